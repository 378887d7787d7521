package mock

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadSeed(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	seed := `{
		"owner": [{"ownerNumber": "O-2", "lastName": "B"}, {"ownerNumber": "O-1", "lastName": "A", "share": "0.25"}],
		"unit": [{"externalId": "U-1", "name": "Flat", "area": 55.5}]
	}`
	if err := srv.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"ownerNumber": "O-1", "lastName": "A", "share": "0.25"},
		{"ownerNumber": "O-2", "lastName": "B"},
	}
	if diff := cmp.Diff(want, srv.Records("owner")); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	unit := srv.Records("unit")[0]
	if unit["area"] != json.Number("55.5") || len(unit["id"].(string)) != 36 {
		t.Errorf("seeded unit = %v", unit)
	}
	if st := srv.Stats(); st.Writes() != 0 || st.Requests != 0 {
		t.Errorf("seeding counted %d writes and %d requests", st.Writes(), st.Requests)
	}
	got := call(t, "GET", hs.URL+"/units/"+unit["id"].(string), nil).want(t, 200)
	if got.at("externalId") != "U-1" {
		t.Errorf("get seeded unit = %s", got.raw)
	}
}

func TestSeedErrorsSayWhere(t *testing.T) {
	t.Parallel()
	srv, err := New(loadSpec(t, "testdata/rest.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		`{"tenant": []}`: `unknown entity "tenant"; the spec has contract, lease, owner, unit`,
		`{"unit": {}}`:   `"unit" must be an array of records, not an object`,
		`{"unit": [1]}`:  `unit record 0 must be an object, not a number`,
		`{"owner": [{"ownerNumber": "O-1"}, {"ownerNumber": "O-1"}]}`: `owner record 1: owner key "O-1" (ownerNumber): already exists`,
		`[]`: `want a JSON object`,
	}
	for in, want := range tests {
		err := srv.LoadSeed(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadSeed(%s) = %v, want it to say %q", in, err, want)
		}
	}
}

func TestSeedDoesNotTouchTheCallersRecords(t *testing.T) {
	t.Parallel()
	srv, err := New(loadSpec(t, "testdata/rest.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := map[string]any{"leaseNo": "L-1", "rent": 1}
	if err := srv.Seed("lease", []map[string]any{rec}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"leaseNo": "L-1", "rent": 1}, rec); diff != "" {
		t.Errorf("caller's record changed (-before +after):\n%s", diff)
	}
	if srv.Records("lease")[0]["modified"] == nil {
		t.Error("seeded lease has no modification time")
	}
}

func TestIntegerIDsFollowTheSchema(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/nextlink.json", Options{})
	if err := srv.Seed("tenant", []map[string]any{{"id": 41, "externalId": "T-0", "type": "TENANT", "lastName": "A"}}); err != nil {
		t.Fatal(err)
	}
	auth := "token: " + login(t, hs.URL)
	r := call(t, "POST", hs.URL+"/contacts", map[string]any{"externalId": "T-1", "type": "TENANT", "lastName": "B"}, auth).want(t, 201)
	if r.at("id") != json.Number("42") {
		t.Errorf("id = %v, want 42", r.at("id"))
	}
	call(t, "GET", hs.URL+"/contacts/42", nil, auth).want(t, 200)
}
