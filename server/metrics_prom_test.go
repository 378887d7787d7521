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
	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/clock"
)

// TestMetricsHealthAndMonitor: runs, records, durations and outbound
// requests carry their instance and organisation; records read are
// counted apart from the outcomes.
func TestMetricsHealthAndMonitor(t *testing.T) {
	ts := newTestServer(t)
	m := ts.api.cfg.Metrics
	m.WatchQueue(ts.cfg.Redis, ts.cfg.Keys, ts.cfg.Queue)
	ts.apply(t, "erp-partner")
	m.RunFinished(queue.RunRecord{Instance: "erp-partner", Organisation: "acme", Task: queue.TaskRun, Trigger: queue.TriggerSchedule, Outcome: queue.RunPartial,
		Started: time.Unix(0, 0), Finished: time.Unix(3, 0),
		Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "tenant", Counts: map[string]int64{"read": 20, "created": 5, "failed": 2, "guarded": 3, "divergent": 4, "adopted": 6}}}})
	m.RunFinished(queue.RunRecord{Instance: "erp-partner", Organisation: "acme", Task: queue.TaskReconcile, Trigger: queue.TriggerSchedule, Outcome: queue.RunPartial, Drift: 4, Repaired: 1,
		Started: time.Unix(0, 0), Finished: time.Unix(1, 0),
		Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "unit", Counts: map[string]int64{"drift": 4, "repaired": 1, "updated": 1}}}})
	m.EnqueueSkipped(queue.TaskRun, "erp-partner")
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTooManyRequests) }))
	defer partner.Close()
	req, _ := http.NewRequestWithContext(engine.WithRun(context.Background(), engine.RunLabels{Instance: "erp-partner", Organisation: "acme"}), "GET", partner.URL, nil)
	resp, err := (&http.Client{Transport: m.Transport(nil)}).Do(req)
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
	_, body := ts.do(t, "GET", "/metrics", testToken, "")
	host := strings.TrimPrefix(partner.URL, "http://")
	const inst = `instance_id="erp-partner",organisation="acme"`
	for _, want := range []string{
		`specsync_records_total{direction="push",entity="tenant",` + inst + `,outcome="created"} 5`,
		`specsync_records_total{direction="push",entity="tenant",` + inst + `,outcome="guarded"} 3`,
		`specsync_records_total{direction="push",entity="tenant",` + inst + `,outcome="divergent"} 4`,
		`specsync_records_total{direction="push",entity="tenant",` + inst + `,outcome="adopted"} 6`,
		`specsync_records_read_total{direction="push",entity="tenant",` + inst + `} 20`,
		`specsync_runs_total{` + inst + `,outcome="partial",task="sync:run",trigger="schedule"} 1`,
		`specsync_runs_total{` + inst + `,outcome="partial",task="sync:reconcile",trigger="schedule"} 1`,
		`specsync_records_total{direction="push",entity="unit",` + inst + `,outcome="drift"} 4`,
		`specsync_records_total{direction="push",entity="unit",` + inst + `,outcome="repaired"} 1`,
		`specsync_run_duration_seconds_sum{` + inst + `,task="sync:run"} 3`,
		`specsync_enqueue_skipped_total{task="sync:run"} 1`,
		`specsync_http_requests_total{host="` + host + `",` + inst + `,status="429"} 1`,
		`specsync_connector_waits_total{reason="backoff"} 1`,
		`specsync_connector_waits_total{reason="other"} 1`,
		`specsync_ledger_failures{` + inst + `} 0`,
		`specsync_queue_tasks{state="pending"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `outcome="read"`) {
		t.Error("/metrics counts read among the outcomes of specsync_records_total")
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		if code, _ := ts.do(t, "GET", path, "", ""); code != want {
			t.Errorf("GET %s: %d, want %d", path, code, want)
		}
	}
}

// TestMetricsNeedAToken: /metrics answers the admin or the metrics token
// (as a bearer token or a basic-auth password), nothing else, unless it
// is public; a local demo without an admin token keeps it open unless a
// metrics token is set. The metrics token opens nothing else.
func TestMetricsNeedAToken(t *testing.T) {
	for name, c := range map[string]struct {
		cfg  func(*Config)
		want map[string]int
	}{
		"admin token only": {func(*Config) {}, map[string]int{"": 401, "wrong": 401, testToken: 200}},
		"metrics token":    {func(c *Config) { c.MetricsToken = "scrape" }, map[string]int{"": 401, "scrap": 401, "scrape": 200, testToken: 200}},
		"public":           {func(c *Config) { c.MetricsPublic = true }, map[string]int{"": 200, "wrong": 200}},
		"insecure":         {func(c *Config) { c.Insecure, c.AdminToken = true, "" }, map[string]int{"": 200}},
		"insecure with a metrics token": {func(c *Config) { c.Insecure, c.MetricsToken = true, "scrape" },
			map[string]int{"": 401, testToken: 401, "scrape": 200}},
	} {
		ts := newTestServer(t, c.cfg)
		for tok, want := range c.want {
			code, body := ts.do(t, "GET", "/metrics", tok, "")
			if code != want {
				t.Errorf("%s: GET /metrics with %q: %d, want %d", name, tok, code, want)
			}
			if want == 401 && !strings.Contains(body, "SPECSYNC_METRICS_TOKEN") {
				t.Errorf("%s: the refusal does not say which token to send: %s", name, body)
			}
		}
		if ts.cfg.MetricsToken != "" && !ts.cfg.Insecure {
			if code, _ := ts.do(t, "GET", "/api/instances", ts.cfg.MetricsToken, ""); code != 401 {
				t.Errorf("%s: the metrics token opened the admin API: %d", name, code)
			}
		}
	}
	ts := newTestServer(t, func(c *Config) { c.MetricsToken = "scrape" })
	req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
	req.SetBasicAuth("prometheus", "scrape")
	if code, _ := send(t, req); code != 200 {
		t.Errorf("GET /metrics with the metrics token as basic-auth password: %d, want 200", code)
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
	resp, err := noRedirects.Get(mon.URL + "/monitoring/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/signin?next=%2Fmonitoring%2F" {
		t.Errorf("monitor without a token: %d to %q, want 303 to the sign-in page", resp.StatusCode, loc)
	}
	req := mustRequest(t, "GET", mon.URL+"/monitoring/")
	req.SetBasicAuth("ops", "wrong")
	if code, _ := send(t, req); code != http.StatusUnauthorized {
		t.Errorf("monitor with a wrong token: %d, want 401", code)
	}
	req = mustRequest(t, "GET", mon.URL+"/monitoring/")
	req.SetBasicAuth("ops", testToken)
	if code, body := send(t, req); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Errorf("monitor with the token: %d", code)
	}
}
