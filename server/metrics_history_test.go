package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine/queue"
)

// TestMetricsFromSharedHistory: the last-run and last-success gauges
// come from the run history in Redis, so runs another process recorded
// (the command line, another worker) count, though this process's
// counters never heard of them. An instance none of whose kept runs
// succeeded reports the start of its oldest kept run; a history of an
// instance that is not applied is left out.
func TestMetricsFromSharedHistory(t *testing.T) {
	ts := newTestServer(t)
	m := ts.api.cfg.Metrics
	m.WatchQueue(ts.cfg.Redis, ts.cfg.Keys, ts.cfg.Queue)
	ts.apply(t, "erp-partner")
	ts.apply(t, "crm-partner")
	other := queue.NewHistory(ts.cfg.Redis, ts.cfg.Keys, queue.HistoryConfig{})
	at := func(s int64) time.Time { return time.Unix(1_800_000_000+s, 0).UTC() }
	for _, rec := range []queue.RunRecord{
		{ID: "r1", Instance: "erp-partner", Organisation: "acme", Task: queue.TaskRun, Trigger: "cli", Outcome: queue.RunPartial, Started: at(0), Finished: at(10)},
		{ID: "r2", Instance: "erp-partner", Organisation: "acme", Task: queue.TaskReconcile, Outcome: queue.RunOK, Started: at(20), Finished: at(30)},
		{ID: "r3", Instance: "erp-partner", Organisation: "acme", Task: queue.TaskRun, Trigger: "cli", Outcome: queue.RunFailed, Started: at(40), Finished: at(50)},
		{ID: "c1", Instance: "crm-partner", Organisation: "acme", Task: queue.TaskRun, Outcome: queue.RunFailed, Started: at(100), Finished: at(110)},
		{ID: "c2", Instance: "crm-partner", Organisation: "acme", Task: queue.TaskRun, Outcome: queue.RunFailed, Started: at(200), Finished: at(210)},
		{ID: "g1", Instance: "gone", Organisation: "acme", Task: queue.TaskRun, Outcome: queue.RunOK, Started: at(0), Finished: at(1)},
	} {
		if err := other.Finish(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
	}
	_, body := ts.do(t, "GET", "/metrics", testToken, "")
	const erp, crm = `instance_id="erp-partner",organisation="acme"`, `instance_id="crm-partner",organisation="acme"`
	for _, want := range []string{
		`specsync_last_run_timestamp_seconds{` + erp + `,task="sync:run"} 1.80000005e+09`,
		`specsync_last_run_timestamp_seconds{` + erp + `,task="sync:reconcile"} 1.80000003e+09`,
		`specsync_last_run_outcome{` + erp + `,outcome="failed",task="sync:run"} 1`,
		`specsync_last_run_outcome{` + erp + `,outcome="partial",task="sync:run"} 0`,
		`specsync_last_run_outcome{` + erp + `,outcome="ok",task="sync:reconcile"} 1`,
		`specsync_last_success_timestamp_seconds{` + erp + `} 1.80000003e+09`,
		`specsync_last_run_outcome{` + crm + `,outcome="failed",task="sync:run"} 1`,
		`specsync_last_success_timestamp_seconds{` + crm + `} 1.8000001e+09`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `instance_id="gone"`) {
		t.Error("/metrics reports the history of an instance that is not applied")
	}
	if strings.Contains(body, "specsync_runs_total{") {
		t.Error("this process's run counters count runs it did not run")
	}
}

// TestServedRequestsByRoute: requests are counted by the route they
// matched, the admin API's by its own route; paths no route matches and
// webhooks to instances that do not exist add no series of their own.
func TestServedRequestsByRoute(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	ts.do(t, "GET", "/no/such/path-7f3a", "", "")
	ts.do(t, "GET", "/api/instances/erp-partner", testToken, "")
	ts.do(t, "GET", "/api/instances/missing-9c2e", testToken, "")
	ts.do(t, "POST", "/webhooks/ghost-4b1d/tok-5e6f", "", "{}")
	ts.do(t, "BREW", "/healthz", "", "")
	_, body := ts.do(t, "GET", "/metrics", testToken, "")
	for _, want := range []string{
		`specsync_http_server_requests_total{code="404",method="GET",route="none"} 1`,
		`specsync_http_server_requests_total{code="200",method="GET",route="/api/instances/{id}"} 1`,
		`specsync_http_server_requests_total{code="404",method="GET",route="/api/instances/{id}"} 1`,
		`specsync_http_server_requests_total{code="404",method="POST",route="/webhooks/{instance}/{token}"} 1`,
		`specsync_http_server_request_duration_seconds_count{method="GET",route="/api/instances/{id}"} 2`,
		`specsync_webhooks_total{instance_id="",organisation="",result="refused"} 1`,
		`method="other"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, leaked := range []string{"path-7f3a", "missing-9c2e", "ghost-4b1d", "tok-5e6f", "BREW"} {
		if strings.Contains(body, leaked) {
			t.Errorf("/metrics has a label from a requested path or method: %s", leaked)
		}
	}
}
