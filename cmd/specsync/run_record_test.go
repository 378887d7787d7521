package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/nettest"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/server"
)

// runsOf lists an instance's runs through the admin API, newest first.
func runsOf(t *testing.T, r *redistest.Server, id string) []queue.RunRecord {
	t.Helper()
	srv, err := server.New(server.Config{Redis: r.Client, Keys: keys.New(r.Prefix), Insecure: true, Queue: "runs-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	req := httptest.NewRequest("GET", hs.URL+"/api/instances/"+id+"/runs?limit=50", nil)
	req.RequestURI = ""
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET runs of %s: %d %v %s", id, res.StatusCode, err, data)
	}
	checkDocumented(t, hs.URL, req, res, data)
	var body struct {
		Runs []queue.RunRecord `json:"runs"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("GET runs of %s: %v", id, err)
	}
	return body.Runs
}

// checkDocumented fails the test unless the answer to req is as the
// admin API's document (served at base) describes.
func checkDocumented(t *testing.T, base string, req *http.Request, res *http.Response, data []byte) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromURI(mustURL(t, base+"/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(data)),
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("GET %s: the answer is not as documented: %v\n%s", req.URL.Path, err, data)
	}
}

// TestCommandLineRunsAreRecorded: sync and reconcile from the command
// line land in the run history with the trigger cli, their task, outcome
// (ok, partial, failed for a partner that cannot be reached), counts per
// entity and duration, and the admin API lists them; the exit codes stay
// 0, 3 and 1.
func TestCommandLineRunsAreRecorded(t *testing.T) {
	r := redistest.New(t)
	home, homeURL := serveDoc(t, "home.json")
	_, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	grants := map[string][]string{"building": {"create", "update"}, "unit": {"create"}}
	expect := cliExpect(t, r)
	expect(0, "created", "instances", "apply", instanceFile(t, "runs-up", homeURL, "partner_upsert.json", partnerURL, grants))
	expect(0, "created", "instances", "apply", instanceFile(t, "runs-down", homeURL, "partner_upsert.json", nettest.ClosedURL(t), grants))

	expect(0, "clean", "sync", "runs-up", "--push")
	expect(0, "no drift", "reconcile", "runs-up")
	if err := home.Seed("unit", []map[string]any{{"id": "u1", "building_id": "b9", "number": "1"}}); err != nil {
		t.Fatal(err)
	}
	expect(3, "partial", "sync", "runs-up", "--push")
	expect(1, "could not be reached", "sync", "runs-down", "--push")

	type seen struct{ task, trigger, outcome string }
	var got []seen
	runs := runsOf(t, r, "runs-up")
	for _, rec := range runs {
		got = append(got, seen{rec.Task, rec.Trigger, rec.Outcome})
		if rec.Finished.Before(rec.Started) || rec.Started.IsZero() || rec.Organisation != "acme" {
			t.Errorf("run %s: started %v, finished %v, organisation %q", rec.ID, rec.Started, rec.Finished, rec.Organisation)
		}
	}
	want := []seen{{queue.TaskRun, queue.TriggerCLI, queue.RunPartial}, {queue.TaskReconcile, queue.TriggerCLI, queue.RunOK}, {queue.TaskRun, queue.TriggerCLI, queue.RunOK}}
	if len(got) != len(want) {
		t.Fatalf("runs of runs-up: %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("run %d of runs-up: %+v; want %+v", i, got[i], want[i])
		}
	}
	if created := countOf(runs[2], "building", "created"); created != 1 {
		t.Errorf("first sync counted %d buildings created; want 1: %+v", created, runs[2].Entities)
	}
	if runs[0].Failed != 1 || countOf(runs[0], "unit", "failed") != 1 {
		t.Errorf("partial sync: failed %d, entities %+v; want the unit failed", runs[0].Failed, runs[0].Entities)
	}
	down := runsOf(t, r, "runs-down")
	if len(down) != 1 || down[0].Outcome != queue.RunFailed || !strings.Contains(down[0].Error, "could not be reached") {
		t.Errorf("runs of runs-down: %+v; want one failed run saying the partner could not be reached", down)
	}
	hist := queue.NewHistory(r.Client, keys.New(r.Prefix), queue.HistoryConfig{})
	if last, err := hist.Last(context.Background(), "runs-up"); err != nil || last == nil || last.ID != runs[0].ID {
		t.Errorf("History.Last = %+v, %v; want the run the admin API lists first", last, err)
	}
}

// countOf is a count of an entity in a run record.
func countOf(rec queue.RunRecord, entity, count string) int64 {
	for _, e := range rec.Entities {
		if e.Entity == entity {
			return e.Counts[count]
		}
	}
	return -1
}

// TestCommandLineRunIsTraced: with an OTLP endpoint in the environment, a
// command-line sync sends its run's spans before it exits.
func TestCommandLineRunIsTraced(t *testing.T) {
	r := redistest.New(t)
	home, homeURL := serveDoc(t, "home.json")
	_, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := home.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var spans [][]byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		mu.Lock()
		spans = append(spans, body)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	t.Cleanup(receiver.Close)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.URL)
	expect := cliExpect(t, r)
	expect(0, "created", "instances", "apply", instanceFile(t, "traced", homeURL, "partner_upsert.json", partnerURL, map[string][]string{"building": {"create"}}))
	expect(0, "clean", "sync", "traced", "--push")
	mu.Lock()
	defer mu.Unlock()
	all := bytes.Join(spans, nil)
	for _, name := range []string{"specsync.run", "HTTP GET", "HTTP PUT"} {
		if !bytes.Contains(all, []byte(name)) {
			t.Errorf("the exported spans lack %q (%d exports received)", name, len(spans))
		}
	}
}

// TestUnknownEntityIsAUsageError: a mistyped --entity exits 2 naming the
// closest entity, and no run is recorded (a typo is not a failed run).
func TestUnknownEntityIsAUsageError(t *testing.T) {
	r := redistest.New(t)
	_, homeURL := serveDoc(t, "home.json")
	_, partnerURL := serveDoc(t, "partner_upsert.json")
	expect := cliExpect(t, r)
	expect(0, "created", "instances", "apply", instanceFile(t, "typo", homeURL, "partner_upsert.json", partnerURL, map[string][]string{"building": {"create"}}))
	expect(2, `did you mean "building"?`, "sync", "typo", "--entity", "buildng")
	expect(2, `did you mean "building"?`, "reconcile", "typo", "--entity", "buildng")
	if runs := runsOf(t, r, "typo"); len(runs) != 0 {
		t.Errorf("a mistyped entity recorded %d runs: %+v", len(runs), runs)
	}
}

// TestDisabledInstanceDoesNotRun: the command line refuses to run a
// disabled instance, as the queue and the admin API do, and records
// nothing; enabled again, it runs.
func TestDisabledInstanceDoesNotRun(t *testing.T) {
	r := redistest.New(t)
	_, homeURL := serveDoc(t, "home.json")
	_, partnerURL := serveDoc(t, "partner_upsert.json")
	expect := cliExpect(t, r)
	expect(0, "created", "instances", "apply", instanceFile(t, "paused", homeURL, "partner_upsert.json", partnerURL, map[string][]string{"building": {"create"}}))
	expect(0, "disabled", "instances", "disable", "paused")
	expect(2, "specsync instances enable paused", "sync", "paused")
	expect(2, "is disabled", "reconcile", "paused")
	if runs := runsOf(t, r, "paused"); len(runs) != 0 {
		t.Errorf("a disabled instance recorded %d runs: %+v", len(runs), runs)
	}
	expect(0, "enabled", "instances", "enable", "paused")
	expect(0, "clean", "sync", "paused")
}
