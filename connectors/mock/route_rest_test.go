package mock

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUpsertByKeyIsIdempotent(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	owner := map[string]any{"ownerNumber": "O-1", "lastName": "Schmidt", "share": "0.5"}

	r := call(t, "PUT", hs.URL+"/owners/O-1", owner).want(t, 201)
	if got := r.at("owner.lastName"); got != "Schmidt" {
		t.Errorf("result path owner.lastName = %v", got)
	}
	call(t, "PUT", hs.URL+"/owners/O-1", owner).want(t, 200)
	owner["firstName"] = "Eva"
	call(t, "PUT", hs.URL+"/owners/O-1", owner).want(t, 200)

	want := []map[string]any{{"ownerNumber": "O-1", "firstName": "Eva", "lastName": "Schmidt", "share": "0.5"}}
	if diff := cmp.Diff(want, srv.Records("owner")); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	st := srv.Stats()
	if st.Creates != 1 || st.Updates != 2 || st.ByOperation["owner.upsert"] != 3 {
		t.Errorf("stats: creates %d updates %d upserts %d, want 1, 2, 3", st.Creates, st.Updates, st.ByOperation["owner.upsert"])
	}
}

func TestCreateWithExistingKey(t *testing.T) {
	t.Parallel()
	unit := map[string]any{"externalId": "U-1", "name": "Flat 1", "kind": "flat"}
	t.Run("conflict by default", func(t *testing.T) {
		srv, hs := serve(t, "testdata/rest.json", Options{})
		r := call(t, "POST", hs.URL+"/units", unit).want(t, 201)
		id, _ := r.at("id").(string)
		if len(id) != 36 {
			t.Errorf("server id %q is not a UUID", id)
		}
		r = call(t, "POST", hs.URL+"/units", unit).want(t, 409)
		if !strings.Contains(r.at("detail").(string), `"U-1"`) {
			t.Errorf("409 does not name the key: %s", r.raw)
		}
		if n := len(srv.Records("unit")); n != 1 {
			t.Errorf("%d records, want 1", n)
		}
	})
	t.Run("duplicates like a naive API", func(t *testing.T) {
		srv, hs := serve(t, "testdata/rest.json", Options{DuplicateCreates: true})
		a := call(t, "POST", hs.URL+"/units", unit).want(t, 201).at("id")
		b := call(t, "POST", hs.URL+"/units", unit).want(t, 201).at("id")
		if a == b {
			t.Fatalf("both creates got id %v", a)
		}
		recs := srv.Records("unit")
		if diff := cmp.Diff([]string{"U-1", "U-1"}, keysOf(recs, "externalId")); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
		if st := srv.Stats(); st.Creates != 2 {
			t.Errorf("creates = %d, want 2", st.Creates)
		}
		// Deleting the first leaves the duplicate findable by key.
		call(t, "DELETE", hs.URL+"/units/"+a.(string), nil).want(t, 204)
		got := call(t, "GET", hs.URL+"/units/by-key/U-1", nil).want(t, 200).at("id")
		if got != b {
			t.Errorf("lookup after delete found %v, want %v", got, b)
		}
	})
}

func TestGetLookupUpdateAndDelete(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	id := call(t, "POST", hs.URL+"/units", map[string]any{"externalId": "U-7", "name": "Flat 7", "area": 71.25}).want(t, 201).at("id").(string)

	got := call(t, "GET", hs.URL+"/units/"+id, nil).want(t, 200)
	if got.at("area") != json.Number("71.25") || got.at("externalId") != "U-7" {
		t.Errorf("get = %s", got.raw)
	}
	if call(t, "GET", hs.URL+"/units/by-key/U-7", nil).want(t, 200).at("id") != id {
		t.Error("lookup by key found another record")
	}
	call(t, "GET", hs.URL+"/units/by-key/U-8", nil).want(t, 404)

	up := call(t, "PUT", hs.URL+"/units/"+id, map[string]any{"externalId": "U-7", "name": "Flat 7a"}).want(t, 200)
	if up.at("name") != "Flat 7a" || up.at("area") != json.Number("71.25") || up.at("id") != id {
		t.Errorf("update did not merge into the stored record: %s", up.raw)
	}
	call(t, "PUT", hs.URL+"/units/nope", map[string]any{"externalId": "U-9", "name": "x"}).want(t, 404)

	call(t, "DELETE", hs.URL+"/units/"+id, nil).want(t, 204)
	call(t, "GET", hs.URL+"/units/"+id, nil).want(t, 404)
	call(t, "DELETE", hs.URL+"/units/"+id, nil).want(t, 404)
	if n := len(call(t, "GET", hs.URL+"/units", nil).want(t, 200).records(t, "data")); n != 0 {
		t.Errorf("list after delete has %d records", n)
	}
	if st := srv.Stats(); st.Creates != 1 || st.Updates != 1 || st.Deletes != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestDetachKeepsTheRecordOutOfLists(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	for _, n := range []string{"O-1", "O-2"} {
		call(t, "PUT", hs.URL+"/owners/"+n, map[string]any{"ownerNumber": n, "lastName": "L"}).want(t, 201)
	}
	call(t, "DELETE", hs.URL+"/owners/O-1", nil).want(t, 200)

	listed := keysOf(call(t, "GET", hs.URL+"/owners", nil).want(t, 200).records(t, "items"), "ownerNumber")
	if diff := cmp.Diff([]string{"O-2"}, listed); diff != "" {
		t.Errorf("listed (-want +got):\n%s", diff)
	}
	want := []map[string]any{
		{"ownerNumber": "O-1", "lastName": "L", "detached": true},
		{"ownerNumber": "O-2", "lastName": "L"},
	}
	if diff := cmp.Diff(want, srv.Records("owner")); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if st := srv.Stats(); st.Detaches != 1 || st.Deletes != 0 {
		t.Errorf("detaches %d deletes %d, want 1 and 0", st.Detaches, st.Deletes)
	}
	// An upsert takes the record back.
	call(t, "PUT", hs.URL+"/owners/O-1", map[string]any{"ownerNumber": "O-1", "lastName": "L"}).want(t, 200)
	if n := len(call(t, "GET", hs.URL+"/owners", nil).want(t, 200).records(t, "items")); n != 2 {
		t.Errorf("after re-attaching, list has %d records, want 2", n)
	}
}

func TestValidationNamesTheOffendingFields(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	r := call(t, "POST", hs.URL+"/units", map[string]any{"externalId": "U-1", "kind": "castle", "area": -3}).want(t, 400)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var p problem
	if err := json.Unmarshal(r.raw, &p); err != nil {
		t.Fatal(err)
	}
	pointers := map[string]bool{}
	for _, e := range p.Errors {
		pointers[e.Pointer] = true
		if strings.Contains(e.Message, "castle") {
			t.Errorf("message repeats the value: %q", e.Message)
		}
	}
	for _, want := range []string{"/name", "/kind", "/area"} {
		if !pointers[want] {
			t.Errorf("problem does not name %s: %s", want, r.raw)
		}
	}
	r = call(t, "GET", hs.URL+"/units?pageSize=1000", nil).want(t, 400)
	if !strings.Contains(string(r.raw), `"name":"pageSize"`) {
		t.Errorf("problem does not name the parameter: %s", r.raw)
	}
	if n := len(srv.Records("unit")); n != 0 {
		t.Errorf("an invalid create stored %d records", n)
	}

	_, lax := serve(t, "testdata/rest.json", Options{NoValidation: true})
	call(t, "POST", lax.URL+"/units", map[string]any{"externalId": "U-1", "kind": "castle"}).want(t, 201)
}

func TestValidationProblemGolden(t *testing.T) {
	t.Parallel()
	_, hs := serve(t, "testdata/rest.json", Options{})
	r := call(t, "POST", hs.URL+"/units", map[string]any{"externalId": "", "name": 7}).want(t, 400)
	checkJSON(t, "testdata/golden/create_unit_invalid.json", r.raw)
}

func TestRoutingWithBasePathAndUnknownPaths(t *testing.T) {
	t.Parallel()
	_, hs := serve(t, "testdata/rest.json", Options{})
	call(t, "GET", hs.URL+"/api/units", nil).want(t, 200)
	call(t, "GET", hs.URL+"/units", nil).want(t, 200)
	call(t, "GET", hs.URL+"/nothing", nil).want(t, 404)
	call(t, "DELETE", hs.URL+"/units", nil).want(t, 405)
	call(t, "DELETE", hs.URL+"/api/units", nil).want(t, 405)
	r := call(t, "GET", hs.URL+"/health", nil).want(t, 501)
	if !strings.Contains(r.at("detail").(string), `"health"`) {
		t.Errorf("501 does not name the operation: %s", r.raw)
	}
}

func TestIncrementalFilterUsesTheStampedField(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv, hs := serve(t, "testdata/rest.json", Options{Now: clk.Now})
	for _, n := range []string{"L-1", "L-2", "L-3"} {
		r := call(t, "POST", hs.URL+"/leases", map[string]any{"leaseNo": n, "rent": 500}).want(t, 201)
		if r.at("modified") != clk.Now().Format(time.RFC3339Nano) {
			t.Errorf("create stamped modified = %v", r.at("modified"))
		}
	}
	clk.Add(time.Hour)
	since := clk.Now().Format(time.RFC3339)
	call(t, "PATCH", hs.URL+"/leases/L-2", map[string]any{"rent": 510.5}).want(t, 200)

	r := call(t, "GET", hs.URL+"/leases?modifiedSince="+since, nil).want(t, 200)
	if diff := cmp.Diff([]string{"L-2"}, keysOf(r.records(t, "leases"), "leaseNo")); diff != "" {
		t.Errorf("modified since %s (-want +got):\n%s", since, diff)
	}
	if n := len(call(t, "GET", hs.URL+"/leases", nil).want(t, 200).records(t, "leases")); n != 3 {
		t.Errorf("full list has %d records, want 3", n)
	}
	if got := srv.Records("lease")[1]["rent"]; got != json.Number("510.5") {
		t.Errorf("rent = %v, want 510.5", got)
	}
}

func TestSharedCollectionKeepsEntitiesApartByListParams(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/nextlink.json", Options{})
	auth := "token: " + login(t, hs.URL)
	call(t, "POST", hs.URL+"/v2/contacts", map[string]any{"externalId": "T-1", "type": "TENANT", "lastName": "Mieter"}, auth).want(t, 201)
	call(t, "POST", hs.URL+"/v2/contacts", map[string]any{"externalId": "E-1", "type": "OWNER", "lastName": "Eigner"}, auth).want(t, 201)
	// Keys are unique across the shared collection.
	call(t, "POST", hs.URL+"/v2/contacts", map[string]any{"externalId": "T-1", "type": "OWNER", "lastName": "X"}, auth).want(t, 409)

	tenants := call(t, "GET", hs.URL+"/v2/contacts?type=TENANT", nil, auth).want(t, 200).records(t, "items")
	if diff := cmp.Diff([]string{"T-1"}, keysOf(tenants, "externalId")); diff != "" {
		t.Errorf("tenants listed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"E-1"}, keysOf(srv.Records("owner"), "externalId")); diff != "" {
		t.Errorf("owner records (-want +got):\n%s", diff)
	}
	if n := len(call(t, "GET", hs.URL+"/v2/contacts", nil, auth).want(t, 200).records(t, "items")); n != 2 {
		t.Errorf("unfiltered list has %d records, want 2", n)
	}
	found := call(t, "GET", hs.URL+"/v2/contacts-by-external-id?externalId=T-1", nil, auth).want(t, 200).records(t, "items")
	if len(found) != 1 || found[0]["type"] != "TENANT" {
		t.Errorf("lookup = %v", found)
	}
}

func TestIdempotencyKeyMakesCreatesSafeToRetry(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{DuplicateCreates: true})
	lease := map[string]any{"leaseNo": "L-1", "rent": 640}
	first := call(t, "POST", hs.URL+"/leases", lease, "Idempotency-Key: k-1").want(t, 201)
	retry := call(t, "POST", hs.URL+"/leases", lease, "Idempotency-Key: k-1").want(t, 201)
	if diff := cmp.Diff(first.body, retry.body); diff != "" {
		t.Errorf("retry answered another record (-first +retry):\n%s", diff)
	}
	if n := len(srv.Records("lease")); n != 1 {
		t.Errorf("%d leases after a retried create, want 1", n)
	}
	// Without the header, a naive API duplicates.
	call(t, "POST", hs.URL+"/leases", lease).want(t, 201)
	if n := len(srv.Records("lease")); n != 2 {
		t.Errorf("%d leases, want 2", n)
	}
	if st := srv.Stats(); st.Creates != 2 || st.Replays != 1 {
		t.Errorf("creates %d replays %d, want 2 and 1", st.Creates, st.Replays)
	}
}

func TestIgnoreIdempotencyCreatesAgainForARepeatedKey(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{DuplicateCreates: true, IgnoreIdempotency: true})
	lease := map[string]any{"leaseNo": "L-1", "rent": 640}
	call(t, "POST", hs.URL+"/leases", lease, "Idempotency-Key: k-1").want(t, 201)
	call(t, "POST", hs.URL+"/leases", lease, "Idempotency-Key: k-1").want(t, 201)
	if n := len(srv.Records("lease")); n != 2 {
		t.Errorf("%d leases after a repeated key, want 2", n)
	}
	if st := srv.Stats(); st.Creates != 2 || st.Replays != 0 {
		t.Errorf("creates %d replays %d, want 2 and 0", st.Creates, st.Replays)
	}
}
