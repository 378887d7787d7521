package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// runDoc is the absolute path of a document of the engine's run tests.
func runDoc(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "engine", "testdata", "run", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// serveDoc serves a spec with the mock and returns the server and its URL.
func serveDoc(t *testing.T, name string) (*mock.Server, string) {
	t.Helper()
	spec, fs, err := specs.Load(runDoc(t, name), loadOptions())
	if err != nil || fs.HasErrors() {
		t.Fatalf("%v %v", err, fs)
	}
	srv, err := mock.New(spec, mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs.URL
}

// stateArgs are the Redis flags of a test.
func stateArgs(r *redistest.Server) []string {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://" + r.Mini.Addr()
	}
	return []string{"--redis", url, "--prefix", r.Prefix}
}

func TestInstancesPlanSyncAndAudit(t *testing.T) {
	r := redistest.New(t)
	home, homeURL := serveDoc(t, "home.json")
	partner, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	if err := home.Seed("unit", []map[string]any{{"id": "u1", "building_id": "b1", "number": "1"}, {"id": "u2", "building_id": "b9", "number": "2"}}); err != nil {
		t.Fatal(err)
	}
	inst := map[string]any{
		"id": "cli-test", "organisation": "acme",
		"home":        map[string]any{"spec": runDoc(t, "home.json"), "baseUrl": homeURL},
		"partner":     map[string]any{"spec": runDoc(t, "partner_upsert.json"), "baseUrl": partnerURL},
		"model":       runDoc(t, "model.json"),
		"permissions": map[string]any{"push": map[string]any{"building": []string{"create", "update"}, "unit": []string{"create"}}},
	}
	data, _ := json.Marshal(inst)
	file := writeFile(t, "cli-test.json", string(data))

	expect := cliExpect(t, r)
	expect(0, "cli-test created", "instances", "apply", file)
	expect(0, "cli-test  acme", "instances", "list")
	expect(0, "push building: create, update", "instances", "show", "cli-test")
	expect(0, "cli-test enabled", "instances", "enable", "cli-test")
	bad := writeFile(t, "bad.json", `{"id": "Bad Id", "organisation": "acme", "hoem": {}}`)
	expect(1, "refused", "instances", "apply", bad)

	out := expect(0, "create", "plan", "cli-test", "--detail", "--push")
	if w := partner.Stats().Writes(); w != 0 || !strings.Contains(out, `"u1"`) {
		t.Fatalf("plan wrote %d records or lists no u1:\n%s", w, out)
	}
	// u2's building does not exist: the run is partial.
	expect(3, "partial", "sync", "cli-test", "--push")
	if n := len(partner.Records("unit")); n != 1 {
		t.Errorf("partner has %d units, want 1", n)
	}
	expect(0, "missing-reference", "audit", "cli-test", "--failed", "--json")
	expect(0, "u2", "audit", "cli-test", "--entity", "unit", "--since", "1h")
	expect(2, "--since", "audit", "cli-test", "--since", "yesterday")
}

func TestSyncNeedsRedis(t *testing.T) {
	code, _, errOut := runCLI(t, "sync", "x", "--redis", "")
	if code != 2 || !strings.Contains(errOut, "REDIS_URL") {
		t.Errorf("exit %d, stderr %q; want 2 and a hint at REDIS_URL", code, errOut)
	}
}

// TestSyncGuardedDeletesExitPartial removes three of four units at home:
// a full sync deletes none of them, exits 3 (partial) with the guarded
// count in its table, and the audit log lists the guarded deletes.
func TestSyncGuardedDeletesExitPartial(t *testing.T) {
	r := redistest.New(t)
	home, homeURL := serveDoc(t, "home.json")
	_, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	var units []map[string]any
	for _, id := range []string{"u1", "u2", "u3", "u4"} {
		units = append(units, map[string]any{"id": id, "building_id": "b1", "number": id})
	}
	if err := home.Seed("unit", units); err != nil {
		t.Fatal(err)
	}
	grants := []string{"create", "update", "delete"}
	file := instanceFile(t, "guard-test", homeURL, "partner_upsert.json", partnerURL, map[string][]string{"building": grants, "unit": grants})
	expect := cliExpect(t, r)
	expect(0, "guard-test created", "instances", "apply", file)
	expect(0, "clean", "sync", "guard-test", "--push")
	for _, id := range []string{"u1", "u2", "u3"} {
		deleteAt(t, homeURL+"/units/"+id)
	}
	out := expect(3, "partial", "sync", "guard-test", "--push", "--full")
	if !strings.Contains(out, "GUARDED") || !strings.Contains(out, "--allow-deletes") {
		t.Errorf("sync output lacks the guarded column or the override:\n%s", out)
	}
	expect(0, `"outcome":"guarded"`, "audit", "guard-test", "--outcome", "guarded", "--json")
	expect(0, "clean", "sync", "guard-test", "--push", "--full", "--allow-deletes")
}

// TestSyncDivergentExitPartial empties a unit's area at home, which the
// partner's schema gives no way to clear: plan shows the area kept, the
// sync exits 3 (partial) with the record in the divergent column, and
// the audit log lists it under the outcome divergent.
func TestSyncDivergentExitPartial(t *testing.T) {
	r := redistest.New(t)
	home, homeURL := serveDoc(t, "home.json")
	_, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	if err := home.Seed("unit", []map[string]any{{"id": "u1", "building_id": "b1", "number": "1", "area": 40}}); err != nil {
		t.Fatal(err)
	}
	grants := []string{"create", "update", "delete"}
	file := instanceFile(t, "divergent-test", homeURL, "partner_upsert.json", partnerURL, map[string][]string{"building": grants, "unit": grants})
	expect := cliExpect(t, r)
	expect(0, "divergent-test created", "instances", "apply", file)
	expect(0, "clean", "sync", "divergent-test", "--push")
	deleteAt(t, homeURL+"/units/u1")
	if err := home.Seed("unit", []map[string]any{{"id": "u1", "building_id": "b1", "number": "1"}}); err != nil {
		t.Fatal(err)
	}
	expect(0, "kept     area", "plan", "divergent-test", "--detail", "--push")
	out := expect(3, "partial", "sync", "divergent-test", "--push")
	if !strings.Contains(out, "DIVERGENT") {
		t.Errorf("sync output lacks the divergent column:\n%s", out)
	}
	expect(0, `"outcome":"divergent"`, "audit", "divergent-test", "--outcome", "divergent", "--json")
}

// deleteAt sends a DELETE to url.
func deleteAt(t *testing.T, url string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("DELETE %s: %d", url, res.StatusCode)
	}
}

// TestSyncAdoptsAndAuditLists: a unit the partner holds already is
// adopted by the sync (its table has the adopted column) and listed by
// audit --outcome adopted; the unit it lacks is created.
func TestSyncAdoptsAndAuditLists(t *testing.T) {
	r := redistest.New(t)
	home, homeURL := serveDoc(t, "home.json")
	partner, partnerURL := serveDoc(t, "partner_create.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	grants := []string{"create", "update"}
	file := instanceFile(t, "adopt-test", homeURL, "partner_create.json", partnerURL, map[string][]string{"building": grants, "unit": grants})
	expect := cliExpect(t, r)
	expect(0, "adopt-test created", "instances", "apply", file)
	expect(0, "clean", "sync", "adopt-test", "--push")
	bid := partner.Records("building")[0]["id"]
	if err := partner.Seed("unit", []map[string]any{{"externalId": "u1", "buildingId": bid, "buildingKey": "b1", "number": "1"}}); err != nil {
		t.Fatal(err)
	}
	if err := home.Seed("unit", []map[string]any{{"id": "u1", "building_id": "b1", "number": "1"}, {"id": "u2", "building_id": "b1", "number": "2"}}); err != nil {
		t.Fatal(err)
	}
	out := expect(0, "ADOPTED", "sync", "adopt-test", "--push")
	if n := partner.Count("unit"); n != 2 {
		t.Errorf("the partner holds %d units; want 2 (u1 adopted, u2 created)\n%s", n, out)
	}
	out = expect(0, `"outcome":"adopted"`, "audit", "adopt-test", "--outcome", "adopted", "--json")
	if !strings.Contains(out, `"key":"u1"`) || strings.Contains(out, `"key":"u2"`) {
		t.Errorf("audit --outcome adopted lists other than u1:\n%s", out)
	}
}

// TestReconcileExitCodes edits a record at the partner by hand after a
// sync: reconcile reports it and exits 3, reconcile --repair restores it
// and exits 0, and a second reconcile finds no drift.
func TestReconcileExitCodes(t *testing.T) {
	r := redistest.New(t)
	home, homeURL := serveDoc(t, "home.json")
	partner, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins", "city": "Berlin"}, {"id": "b2", "name": "Haus Zwei"}}); err != nil {
		t.Fatal(err)
	}
	grants := []string{"create", "update"}
	file := instanceFile(t, "drift-test", homeURL, "partner_upsert.json", partnerURL, map[string][]string{"building": grants})
	expect := cliExpect(t, r)
	expect(0, "drift-test created", "instances", "apply", file)
	expect(0, "clean", "sync", "drift-test", "--push")
	expect(0, "no drift", "reconcile", "drift-test")
	putAt(t, partnerURL+"/buildings/by-key/b1", `{"externalId": "b1", "name": "Haus Eins", "city": "Hamburg"}`)

	out := expect(3, "DRIFT", "reconcile", "drift-test", "--entity", "building")
	if !strings.Contains(out, `"Berlin"`) || !strings.Contains(out, `"Hamburg"`) || !strings.Contains(out, "differs") {
		t.Errorf("reconcile output lacks the differing city:\n%s", out)
	}
	expect(0, `"kind":"differs"`, "audit", "drift-test", "--outcome", "drift", "--json")
	expect(2, "--outcome must be one of", "audit", "drift-test", "--outcome", "drfit")
	expect(2, "unknown flag", "reconcile", "drift-test", "--repiar")
	expect(2, `no entity "flat"`, "reconcile", "drift-test", "--entity", "flat")
	expect(0, "update (done)", "reconcile", "drift-test", "--repair")
	if got := partner.Records("building"); len(got) != 2 || got[0]["city"] != "Berlin" && got[1]["city"] != "Berlin" {
		t.Errorf("partner buildings after the repair: %v; want Berlin back", got)
	}
	expect(0, "no drift", "reconcile", "drift-test")
}

// putAt sends a JSON body to url with PUT.
func putAt(t *testing.T, url, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("PUT %s: %d", url, res.StatusCode)
	}
}

// cliExpect returns a function that runs specsync with the state flags of
// the test's Redis and fails the test unless it exits want with contains
// in its output; the function returns the standard output.
func cliExpect(t *testing.T, r *redistest.Server) func(want int, contains string, args ...string) string {
	st := stateArgs(r)
	return func(want int, contains string, args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, append(args, st...)...)
		if code != want || !strings.Contains(out+errOut, contains) {
			t.Fatalf("specsync %s: exit %d (want %d), output lacks %q:\n%s\n%s", strings.Join(args, " "), code, want, contains, out, errOut)
		}
		return out
	}
}

// instanceFile writes the file of an enabled instance id of organisation
// acme between the run test documents home.json and partnerDoc, served at
// homeURL and partnerURL, granting push the actions per entity, and
// returns its path.
func instanceFile(t *testing.T, id, homeURL, partnerDoc, partnerURL string, push map[string][]string) string {
	t.Helper()
	data, err := json.Marshal(map[string]any{
		"id": id, "organisation": "acme", "enabled": true,
		"home":        map[string]any{"spec": runDoc(t, "home.json"), "baseUrl": homeURL},
		"partner":     map[string]any{"spec": runDoc(t, partnerDoc), "baseUrl": partnerURL},
		"model":       runDoc(t, "model.json"),
		"permissions": map[string]any{"push": push},
	})
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, id+".json", string(data))
}

// TestPlanExitsPartialWhenAListingFails: the home refuses the unit
// listing; plan still shows the buildings it could plan and says which
// listing failed, and exits 3, in the table and in JSON.
func TestPlanExitsPartialWhenAListingFails(t *testing.T) {
	r := redistest.New(t)
	home, _ := serveDoc(t, "home.json")
	_, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/units" {
			http.Error(w, `{"error": "no"}`, http.StatusBadRequest)
			return
		}
		home.ServeHTTP(w, req)
	}))
	t.Cleanup(refusing.Close)
	file := instanceFile(t, "plan-fail", refusing.URL, "partner_upsert.json", partnerURL,
		map[string][]string{"building": {"create"}, "unit": {"create"}})
	expect := cliExpect(t, r)
	expect(0, "plan-fail created", "instances", "apply", file)
	out := expect(3, "the listing of push unit failed", "plan", "plan-fail", "--push", "--detail")
	for _, want := range []string{`"b1"`, "warning: push unit: the listing failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan lacks %q:\n%s", want, out)
		}
	}
	expect(3, `"incomplete": true`, "plan", "plan-fail", "--push", "--json")
}
