package connectors_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/transforms"
)

func TestWriteReadDelete(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{})
	ctx := context.Background()
	body := map[string]any{"externalId": "L-1", "firstName": "Ada", "lastName": "Lovelace", "coldRent": json.Number("1234.56")}

	created, err := c.Create(ctx, "tenant", connectors.Write{Key: "L-1", Body: body})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.ID == "" || created.Existing {
		t.Fatalf("Create result %+v: want a new id", created)
	}
	got, err := c.Get(ctx, "tenant", transforms.Vars{"id": created.ID})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	want := map[string]any{"id": created.ID, "externalId": "L-1", "firstName": "Ada", "lastName": "Lovelace", "coldRent": json.Number("1234.56")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	found, err := c.Lookup(ctx, "tenant", "L-1", nil)
	if err != nil || found["id"] != created.ID {
		t.Fatalf("Lookup L-1 = %v, %v; want id %s", found, err, created.ID)
	}

	body["lastName"] = "King"
	if _, err := c.Update(ctx, "tenant", connectors.Write{Key: "L-1", Body: body, Vars: transforms.Vars{"id": created.ID}}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	up, err := c.Upsert(ctx, "tenant", connectors.Write{Key: "L-1", Body: body})
	if err != nil || up.ID != created.ID || up.Object["lastName"] != "King" {
		t.Fatalf("Upsert = %+v, %v; want the same record, updated", up, err)
	}

	del, err := c.Delete(ctx, "tenant", connectors.Write{Key: "L-1", Vars: transforms.Vars{"id": created.ID}})
	if err != nil || del.Gone {
		t.Fatalf("Delete = %+v, %v", del, err)
	}
	again, err := c.Delete(ctx, "tenant", connectors.Write{Key: "L-1", Vars: transforms.Vars{"id": created.ID}})
	if err != nil || !again.Gone {
		t.Errorf("second Delete = %+v, %v; want Gone", again, err)
	}
	_, err = c.Get(ctx, "tenant", transforms.Vars{"id": created.ID})
	if !errors.Is(err, connectors.ErrNotFound) || connectors.Classify(err) != connectors.RetryNextRun {
		t.Errorf("Get after delete: %v (%v); want ErrNotFound, retry-next-run", err, connectors.Classify(err))
	}
	_, err = c.Lookup(ctx, "tenant", "L-1", nil)
	if !errors.Is(err, connectors.ErrNotFound) {
		t.Errorf("Lookup after delete: %v; want ErrNotFound", err)
	}
}

func TestLookupKeepsOnlyExactKeys(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	api.fault = func(w http.ResponseWriter, r *http.Request) bool {
		// A search that matches loosely, as some systems do.
		writeJSON(w, http.StatusOK, map[string]any{"items": []any{
			map[string]any{"id": "1", "externalId": "L-10"},
			map[string]any{"id": "2", "externalId": "L-1"},
		}})
		return true
	}
	c := api.client(t, connectors.Config{})
	got, err := c.Lookup(context.Background(), "tenant", "L-1", nil)
	if err != nil || got["id"] != "2" {
		t.Errorf("Lookup = %v, %v; want record 2", got, err)
	}
}

func TestPathParametersAreEscaped(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{})
	_, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": "../admin?x=1"})
	if !errors.Is(err, connectors.ErrNotFound) {
		t.Fatalf("Get: %v; want not found", err)
	}
	reqs := api.requests()
	if got := reqs[len(reqs)-1].URL.EscapedPath(); got != "/tenants/..%2Fadmin%3Fx=1" {
		t.Errorf("path sent %q; want the id escaped into one segment", got)
	}
}

func TestListPagesWithTemplatesAndIncrementalCursor(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	for i, ts := range []string{"2024-05-01T10:00:00+02:00", "2024-05-03T09:00:00Z", "2024-05-02T00:00:00Z"} {
		api.add(map[string]any{"externalId": string(rune('A' + i)), "updatedAt": ts, "coldRent": json.Number("12345678901234567.89")})
	}
	c := api.client(t, connectors.Config{})
	since := time.Date(2024, 4, 30, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	var keys []string
	var last *connectors.Page
	for page, err := range c.List(context.Background(), "tenant", connectors.ListOptions{Since: since, Vars: transforms.Vars{"portfolio": "north"}}) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		for _, r := range page.Records {
			keys = append(keys, r["externalId"].(string))
			if r["coldRent"] != json.Number("12345678901234567.89") {
				t.Errorf("coldRent decoded as %#v; want the exact json.Number", r["coldRent"])
			}
		}
		last = page
	}
	if diff := cmp.Diff([]string{"A", "B", "C"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if !last.Complete || last.Number != 2 {
		t.Errorf("last page %d complete=%v; want page 2 complete (short page rule)", last.Number, last.Complete)
	}
	if want := time.Date(2024, 5, 3, 9, 0, 0, 0, time.UTC); !last.NextCursor.Equal(want) {
		t.Errorf("NextCursor %v; want %v", last.NextCursor, want)
	}
	first := api.requests()[0]
	if got := first.URL.Query().Get("modifiedAfter"); got != "2024-04-30T11:50:00+02:00" {
		t.Errorf("modifiedAfter=%q; want since minus the 10m lookback, in since's zone", got)
	}
	if got := first.Header.Get("X-Portfolio"); got != "north" {
		t.Errorf("X-Portfolio=%q; want the rendered template", got)
	}
}

func TestDotSegmentsAreRefused(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{})
	for _, id := range []string{"..", ".", ""} {
		if _, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": id}); err == nil || !contains(err.Error(), "{id}") {
			t.Errorf("Get id %q: %v; want an error naming the path parameter", id, err)
		}
	}
	if n := api.hits.Load(); n != 0 {
		t.Errorf("%d requests sent; want none", n)
	}
}

func TestUnknownEntityAndMissingOperation(t *testing.T) {
	t.Parallel()
	c := newTenantsAPI(t).client(t, connectors.Config{})
	if _, err := c.Get(context.Background(), "tenat", nil); err == nil || !contains(err.Error(), "[memo note tenant]") {
		t.Errorf("Get of an unknown entity: %v; want an error listing the known ones", err)
	}
	if _, err := c.Delete(context.Background(), "memo", connectors.Write{}); err == nil || !contains(err.Error(), "no delete operation") {
		t.Errorf("Delete of memo: %v; want a missing operation error", err)
	}
}

func TestAnswersThatAreNotOneJSONValueAreRefused(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"trailing data": `{"id": "7", "externalId": "L-1"} {"id": "8"}`,
		"cut short":     `{"id": "7", "externalId": "L-`,
		"not JSON":      `<html>maintenance</html>`,
	} {
		t.Run(name, func(t *testing.T) {
			api := newTenantsAPI(t)
			api.fault = func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
				return true
			}
			c := api.client(t, connectors.Config{})
			_, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": "7"})
			if err == nil || !strings.Contains(err.Error(), "the response is not JSON") || !strings.Contains(err.Error(), "at byte") {
				t.Fatalf("Get: %v; want the answer refused as not JSON, with the byte where it stops being JSON", err)
			}
		})
	}
}

func TestOnlyIDTakesTheIDWithoutTheObject(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{})
	ctx := context.Background()
	body := map[string]any{"externalId": "L-2", "firstName": "Grace", "lastName": "Hopper"}

	full, err := c.Create(ctx, "tenant", connectors.Write{Key: "L-2", Body: body})
	if err != nil || full.ID == "" || full.Object == nil {
		t.Fatalf("Create = %+v, %v; want an id and the object", full, err)
	}
	body["lastName"] = "Murray Hopper"
	lean, err := c.Upsert(ctx, "tenant", connectors.Write{Key: "L-2", Body: body, OnlyID: true})
	if err != nil {
		t.Fatalf("Upsert with OnlyID: %v", err)
	}
	if lean.ID != full.ID || lean.Object != nil || lean.Value != nil {
		t.Errorf("Upsert with OnlyID = %+v; want only the id %q", lean, full.ID)
	}

	api.fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id": "9", "externalId": "L-2"`))
		return true
	}
	if _, err := c.Upsert(ctx, "tenant", connectors.Write{Key: "L-2", Body: body, OnlyID: true}); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("Upsert with OnlyID of a cut answer: %v; want it refused as not JSON", err)
	}
}

// TestTimeoutBoundsTheWholeExchange: Config.Timeout ends a request whose
// answer does not come, before its headers or in the middle of its body.
func TestTimeoutBoundsTheWholeExchange(t *testing.T) {
	for _, c := range []struct {
		name    string
		headers bool
	}{{"no headers", false}, {"body stalls", true}} {
		t.Run(c.name, func(t *testing.T) {
			api := newTenantsAPI(t)
			release := make(chan struct{})
			defer close(release)
			api.fault = func(w http.ResponseWriter, r *http.Request) bool {
				if c.headers {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write([]byte(`{"id": "t-1", `))
					w.(http.Flusher).Flush()
				}
				select {
				case <-release:
				case <-r.Context().Done():
				case <-time.After(3 * time.Second):
				}
				return true
			}
			client := api.client(t, connectors.Config{Timeout: 50 * time.Millisecond})
			start := time.Now()
			_, err := client.Get(context.Background(), "tenant", transforms.Vars{"id": "t-1"})
			if err == nil {
				t.Fatal("Get of an answer that never ends succeeded")
			}
			if got := connectors.Classify(err); got != connectors.RetryNextRun && got != connectors.RetryNow {
				t.Errorf("Classify(%v) = %v; want a failure worth retrying", err, got)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("the request took %v; the timeout did not end it", took)
			}
		})
	}
}

// TestWriteResultsCarryTheStatus: a write's result has the HTTP status of
// the answer, also when only the id is read, and a delete of a record
// already gone the 404.
func TestWriteResultsCarryTheStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{})
	created, err := c.Create(ctx, "tenant", connectors.Write{Key: "L-1", Body: map[string]any{"externalId": "L-1", "lastName": "Lovelace"}})
	if err != nil || created.Status != http.StatusCreated {
		t.Fatalf("Create = %+v, %v; want status 201", created, err)
	}
	upserted, err := c.Upsert(ctx, "tenant", connectors.Write{Key: "L-1", Body: map[string]any{"externalId": "L-1", "lastName": "King"}, OnlyID: true})
	if err != nil || upserted.Status != http.StatusOK || upserted.ID != created.ID {
		t.Fatalf("Upsert with OnlyID = %+v, %v; want status 200 and id %q", upserted, err, created.ID)
	}
	del := connectors.Write{Key: "L-1", Vars: transforms.Vars{"id": created.ID}}
	if res, err := c.Delete(ctx, "tenant", del); err != nil || res.Gone || res.Status < 200 || res.Status > 299 {
		t.Fatalf("Delete = %+v, %v; want a 2xx", res, err)
	}
	if res, err := c.Delete(ctx, "tenant", del); err != nil || !res.Gone || res.Status != http.StatusNotFound {
		t.Fatalf("Delete again = %+v, %v; want gone with 404", res, err)
	}
}

// TestOnlyIDReadsEveryShapeOfAnswer: with OnlyID the id comes out of
// answers that are the object, hold it at the result path, or are the id
// itself, as it does when the whole answer is decoded.
func TestOnlyIDReadsEveryShapeOfAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		name, action, answer, id string
	}{
		{"object", "update", `{"externalId": "L-1", "id": "t-7"}`, "t-7"},
		{"object without id", "update", `{"externalId": "L-1"}`, ""},
		{"id itself", "update", `"t-8"`, "t-8"},
		{"number id", "update", `{"id": 12}`, "12"},
		{"escaped id", "update", `{"id": "t-\u0037\""}`, `t-7"`},
		{"object at the result path", "upsert", `{"result": {"id": "t-9"}}`, "t-9"},
		{"id at the result path", "upsert", `{"result": "t-10"}`, "t-10"},
		{"nothing at the result path", "upsert", `{"other": 1}`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := newTenantsAPI(t)
			client := api.client(t, connectors.Config{})
			api.fault = func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(c.answer))
				return true
			}
			w := connectors.Write{Key: "L-1", Body: map[string]any{"externalId": "L-1"}, Vars: transforms.Vars{"id": "t-1"}}
			write := client.Update
			if c.action == "upsert" {
				write = client.Upsert
			}
			full, err := write(ctx, "tenant", w)
			if err != nil {
				t.Fatal(err)
			}
			w.OnlyID = true
			lean, err := write(ctx, "tenant", w)
			if err != nil || lean.ID != c.id || full.ID != c.id {
				t.Errorf("id %q with OnlyID (%v), %q without; want %q", lean.ID, err, full.ID, c.id)
			}
		})
	}
}
