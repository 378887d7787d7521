package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/clock"
)

func TestMetricsHealthAndMonitor(t *testing.T) {
	ts := newTestServer(t)
	m := ts.api.cfg.Metrics
	m.WatchQueue(ts.cfg.Redis, ts.cfg.Keys, ts.cfg.Queue)
	ts.apply(t, "erp-partner")
	m.RunFinished(queue.RunRecord{Instance: "erp-partner", Task: queue.TaskRun, Trigger: queue.TriggerSchedule, Outcome: queue.RunPartial,
		Started: time.Unix(0, 0), Finished: time.Unix(3, 0),
		Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "tenant", Counts: map[string]int64{"created": 5, "failed": 2, "guarded": 3, "divergent": 4, "adopted": 6}}}})
	m.RunFinished(queue.RunRecord{Instance: "erp-partner", Task: queue.TaskReconcile, Trigger: queue.TriggerSchedule, Outcome: queue.RunPartial, Drift: 4, Repaired: 1,
		Started: time.Unix(0, 0), Finished: time.Unix(1, 0),
		Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "unit", Counts: map[string]int64{"drift": 4, "repaired": 1, "updated": 1}}}})
	m.EnqueueSkipped(queue.TaskRun, "erp-partner")
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTooManyRequests) }))
	defer partner.Close()
	resp, err := (&http.Client{Transport: m.Transport(nil)}).Get(partner.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	counting := m.Clock(clock.System{})
	for _, ctx := range []context.Context{context.Background(), connectors.WithWaitReason(context.Background(), connectors.WaitBackoff)} {
		if err := counting.Sleep(ctx, time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	_, body := ts.do(t, "GET", "/metrics", "", "")
	host := strings.TrimPrefix(partner.URL, "http://")
	for _, want := range []string{
		`specsync_records_total{direction="push",entity="tenant",outcome="created"} 5`,
		`specsync_records_total{direction="push",entity="tenant",outcome="guarded"} 3`,
		`specsync_records_total{direction="push",entity="tenant",outcome="divergent"} 4`,
		`specsync_records_total{direction="push",entity="tenant",outcome="adopted"} 6`,
		`specsync_runs_total{outcome="partial",task="sync:run",trigger="schedule"} 1`,
		`specsync_runs_total{outcome="partial",task="sync:reconcile",trigger="schedule"} 1`,
		`specsync_records_total{direction="push",entity="unit",outcome="drift"} 4`,
		`specsync_records_total{direction="push",entity="unit",outcome="repaired"} 1`,
		`specsync_run_duration_seconds_sum{task="sync:run"} 3`,
		`specsync_enqueue_skipped_total{task="sync:run"} 1`,
		`specsync_http_requests_total{host="` + host + `",status="429"} 1`,
		`specsync_connector_waits_total{reason="backoff"} 1`,
		`specsync_connector_waits_total{reason="other"} 1`,
		`specsync_ledger_failures{instance="erp-partner"} 0`,
		`specsync_queue_tasks{state="pending"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		if code, _ := ts.do(t, "GET", path, "", ""); code != want {
			t.Errorf("GET %s: %d, want %d", path, code, want)
		}
	}
}

func TestReadyzWithoutRedis(t *testing.T) {
	ts := newTestServer(t)
	bad := *ts.api
	bad.cfg.Redis = deadRedis()
	rec := httptest.NewRecorder()
	bad.readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with Redis down: %d, want 503", rec.Code)
	}
}

// deadRedis is a client of a Redis that is not there.
func deadRedis() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
}

func TestMonitorNeedsTheAdminToken(t *testing.T) {
	ts := newTestServer(t)
	cfg := ts.cfg
	cfg.Monitor = asynq.RedisClientOpt{Addr: "127.0.0.1:6379"}
	api, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mon := httptest.NewServer(api.Handler())
	defer mon.Close()
	req := mustRequest(t, "GET", mon.URL+"/monitoring/")
	if code, _ := send(t, req); code != http.StatusUnauthorized {
		t.Errorf("monitor without a token: %d, want 401", code)
	}
	req = mustRequest(t, "GET", mon.URL+"/monitoring/")
	req.SetBasicAuth("ops", testToken)
	if code, body := send(t, req); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Errorf("monitor with the token: %d", code)
	}
}
