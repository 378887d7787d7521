package engine_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/server"
	"github.com/specsync/specsync/specs"
)

// addWebhooks writes hooks into the x-sync of the spec at path.
func addWebhooks(t *testing.T, path string, hooks map[string]any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	doc["x-sync"].(map[string]any)["webhooks"] = hooks
	if data, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// webhookAnswer is what the webhook endpoint answered.
type webhookAnswer struct {
	code      int
	status    string
	duplicate bool
}

// TestWebhookFromHomeConverges delivers a home system's webhook events
// through the HTTP endpoint to a worker running the engine. The home's
// entity is `lease`, the partner's `tenant` (one model entity, lease):
// the event reaches the partner's tenant. Its sync is in the run history
// (trigger webhook, its event), the admin API's runs, the metrics and
// the audit log. The same event delivered again within the instance's
// dedupe window, after the first sync ran, is acknowledged as a duplicate
// and not run; after the window it runs again.
func TestWebhookFromHomeConverges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redistest.New(t)
	h := engine.NewQueueHarness(t, srv, "upsert", 1, 2)
	inst := h.Instance()
	inst.Enabled = true
	const window = 3 * time.Second
	inst.Options.DedupeWindow = specs.Duration(window)
	copyDocuments(t, inst)
	addWebhooks(t, inst.Home.Spec, map[string]any{"event": "type", "id": "eventId", "events": map[string]any{
		"LEASE_CHANGED": map[string]any{"entity": "lease", "direction": "push", "key": "{{ event.lease }}"}}})
	e := newQueueEnv(t, h)
	engine.ApplyInstance(t, e.store, inst)
	rdb, ns := h.Redis()

	metrics := server.NewMetrics()
	w, err := queue.NewWorker(queue.WorkerConfig{Runner: queue.NewEngineRunner(h.Engine(), e.store, specs.LoadOptions{}), Store: e.store,
		History: e.history, Observer: metrics, BusyRetry: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	workers := e.server(t, w, 1)
	defer workers.Shutdown()
	const adminToken = "admin-token-for-tests"
	api, err := server.New(server.Config{Redis: rdb, Keys: ns, Queue: e.queue, AdminToken: adminToken, Metrics: metrics,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	defer func() { hs.Close(); api.Close() }()
	token, err := queue.NewWebhookTokens(rdb, ns).Token(ctx, inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(body string) webhookAnswer {
		t.Helper()
		resp, err := http.Post(hs.URL+"/webhooks/"+inst.ID+"/"+token, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var answer struct{ Status string }
		data, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(data, &answer); err != nil {
			t.Fatalf("webhook answer %d %s: %v", resp.StatusCode, data, err)
		}
		return webhookAnswer{code: resp.StatusCode, status: answer.Status, duplicate: resp.Header.Get(server.DuplicateHeader) == "true"}
	}
	runs := func(n int) *queue.RunRecord {
		t.Helper()
		waitFor(t, "the run", func() bool { recs, _ := e.history.List(ctx, inst.ID, 0, 0); return len(recs) == n && e.drained() })
		rec, _ := e.history.Last(ctx, inst.ID)
		return rec
	}

	e.enqueueRun(t, inst.ID)
	if rec := runs(1); rec.Outcome != queue.RunOK {
		t.Fatalf("first run: %+v", rec)
	}
	h.PartnerWrites()

	// The home's lease l1 changes and the home says so.
	h.SetLeaseRent(t, 0, "999.5")
	event := `{"type":"LEASE_CHANGED","eventId":"ev-1","lease":"l1"}`
	first := time.Now()
	if got := deliver(event); got.code != http.StatusAccepted || got.status != "enqueued" {
		t.Fatalf("delivery of a home event: %+v; want 202 enqueued", got)
	}
	// The event was marked seen before its answer: the mark is gone by
	// acked plus the window, however long the delivery took.
	acked := time.Now()
	rec := runs(2)
	if rec.Task != queue.TaskRecord || rec.Trigger != queue.TriggerWebhook || rec.Event != "LEASE_CHANGED" || rec.EventID != "ev-1" ||
		rec.Outcome != queue.RunOK || len(rec.Entities) != 1 || rec.Entities[0].Entity != "tenant" || rec.Entities[0].Counts["updated"] != 1 {
		t.Errorf("run record of the webhook's sync: %+v; want a webhook record sync of event ev-1 that updated one tenant", rec)
	}
	if d := h.PartnerDiff(); d != "" {
		t.Errorf("partner data after the home's event (-want +got):\n%s", d)
	}
	if writes := h.PartnerWrites(); len(writes) != 1 {
		t.Errorf("partner writes after the home's event: %v; want one", writes)
	}

	// The run history, the admin API, the metrics and the audit log have it.
	req, _ := http.NewRequest("GET", hs.URL+"/api/instances/"+inst.ID+"/runs", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var listed struct{ Runs []queue.RunRecord }
	err = json.NewDecoder(resp.Body).Decode(&listed)
	resp.Body.Close()
	if err != nil || len(listed.Runs) != 2 || listed.Runs[0].ID != rec.ID || listed.Runs[0].Event != "LEASE_CHANGED" || listed.Runs[0].Trigger != queue.TriggerWebhook {
		t.Errorf("admin API runs: %+v (%v); want the webhook's sync first, with its trigger and event", listed.Runs, err)
	}
	req, _ = http.NewRequest("GET", hs.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	scraped, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`specsync_runs_total{instance_id="test-inst",organisation="acme",outcome="ok",task="sync:record",trigger="webhook"} 1`,
		`specsync_records_total{direction="push",entity="tenant",instance_id="test-inst",organisation="acme",outcome="updated"} 1`,
		`specsync_webhooks_total{instance_id="test-inst",organisation="acme",result="enqueued"} 1`,
		`specsync_http_server_requests_total{code="202",method="POST",route="/webhooks/{instance}/{token}"}`,
	} {
		if !strings.Contains(string(scraped), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	page, err := h.Engine().Audit(inst).Query(ctx, store.Query{Instance: inst.ID, RunID: rec.ID})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Entity != "tenant" || page.Entries[0].Key != "l1" {
		t.Errorf("audit entries of run %s: %+v (%v); want the update of tenant l1", rec.ID, page.Entries, err)
	}

	// The home changes l1 again, but the sender repeats event ev-1 within
	// the window, after its sync ran: it is acknowledged and not run, so
	// the partner keeps the first change.
	h.SetLeaseRent(t, 0, "1000.5")
	if got := deliver(`{"type":"LEASE_CHANGED","eventId":"ev-1","lease":"l1","attempt":2}`); got.code != http.StatusOK || got.status != "duplicate" || !got.duplicate {
		t.Errorf("repeated delivery within the window: %+v; want 200 duplicate", got)
	}
	if since := time.Since(first); since >= window {
		t.Fatalf("the repeat was delivered %v after the first, beyond the window of %v: the machine is too slow for this test", since, window)
	}
	time.Sleep(300 * time.Millisecond)
	if recs, _ := e.history.List(ctx, inst.ID, 0, 0); len(recs) != 2 || !e.drained() {
		t.Errorf("a repeated event ran again: %d runs", len(recs))
	}
	if writes := h.PartnerWrites(); len(writes) != 0 {
		t.Errorf("partner writes after a repeated event: %v; want none", writes)
	}

	// After the window the same event runs again.
	time.Sleep(time.Until(acked.Add(window + 100*time.Millisecond)))
	if srv.Mini != nil {
		srv.Mini.FastForward(window) // the in-process Redis expires keys only when told
	}
	if got := deliver(event); got.code != http.StatusAccepted || got.status != "enqueued" {
		t.Fatalf("delivery after the window: %+v; want 202 enqueued", got)
	}
	if rec := runs(3); rec.Outcome != queue.RunOK || rec.Entities[0].Counts["updated"] != 1 {
		t.Errorf("run record of the event after the window: %+v; want one tenant updated", rec)
	}
	if d := h.PartnerDiff(); d != "" {
		t.Errorf("partner data after the event after the window (-want +got):\n%s", d)
	}
}
