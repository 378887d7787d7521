package server

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
)

// chromium returns a browser context driving a headless Chromium, or
// skips the test without one (CI installs it).
func chromium(t *testing.T) context.Context {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; CI installs it in .ci/run")
		}
		t.Skip("chromium is not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	return bctx
}

// seedConsole gives the instance a finished run, a reconciliation with
// drift, a failure in the ledger and an audit entry.
func seedConsole(t *testing.T, ts *testServer, id string) {
	t.Helper()
	ctx := context.Background()
	started := time.Date(2026, 3, 3, 23, 0, 0, 0, time.UTC)
	h := queue.NewHistory(ts.cfg.Redis, ts.cfg.Keys, queue.HistoryConfig{})
	for _, rec := range []queue.RunRecord{
		{ID: "q-lastrun42", Instance: id, Task: queue.TaskRun, Trigger: queue.TriggerSchedule, Started: started, Finished: started.Add(time.Minute),
			Outcome: queue.RunPartial, Failed: 3, Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "tenant",
				Counts: map[string]int64{"read": 10, "created": 7, "updated": 0, "failed": 3}}}},
		{ID: "q-recon7", Instance: id, Task: queue.TaskReconcile, Trigger: queue.TriggerManual, Started: started.Add(time.Hour), Finished: started.Add(61 * time.Minute),
			Outcome: queue.RunPartial, Drift: 2, Repaired: 0},
	} {
		if err := h.Finish(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	l := store.NewLedger(ts.cfg.Redis, ts.cfg.Keys, id, store.LedgerConfig{})
	if err := l.Fail(ctx, instance.Push, "tenant", store.Failed{Key: "L-1007", RunID: "q-lastrun42",
		Reason: store.Reason{Code: "http-422", Message: "the partner refused the e-mail address"}}); err != nil {
		t.Fatal(err)
	}
	a := store.NewAudit(ts.cfg.Redis, ts.cfg.Keys, store.AuditConfig{})
	if err := a.Write(ctx, store.Entry{Instance: id, RunID: "q-lastrun42", Direction: instance.Push, Entity: "tenant", Key: "L-1007",
		Action: instance.Create, Outcome: store.OutcomeFailed, Error: "HTTP 422", HTTPStatus: 422},
		store.Entry{Instance: id, RunID: "q-lastrun42", Direction: instance.Push, Entity: "tenant", Key: "L-2001", Action: instance.Create, Outcome: store.OutcomeOK}); err != nil {
		t.Fatal(err)
	}
}

// monitorOpt connects the queue monitor to the test's Redis.
func monitorOpt(t *testing.T, c *Config) {
	rc, ok := c.Redis.(*redis.Client)
	if !ok {
		t.Fatalf("the test's Redis is a %T", c.Redis)
	}
	o := rc.Options()
	c.Monitor = asynq.RedisClientOpt{Addr: o.Addr, DB: o.DB, Password: o.Password, Username: o.Username}
}

// waitForURL waits until the browser's location contains part.
func waitForURL(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	for range 100 {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, part) {
			if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
				t.Fatal(err)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the browser never reached a location with %q", part)
}

func TestConsoleInABrowser(t *testing.T) {
	ctx := chromium(t)
	ts := newTestServer(t, func(c *Config) { monitorOpt(t, c) })
	ts.apply(t, "erp-partner")
	seedConsole(t, ts, "erp-partner")
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	mustRun := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Sign in with the keyboard only: the console sends the browser to
	// the sign-in page, whose name field has the focus.
	mustRun("sign in", chromedp.Navigate(ts.URL+"/instances/erp-partner"), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.KeyEvent("admin"), chromedp.KeyEvent("\t"), chromedp.KeyEvent(testToken), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS("#summary")))
	if got := text("#principal"); got != "admin" {
		t.Errorf("signed in as %q, want admin", got)
	}

	// The instances page: a compact line per instance.
	mustRun("instances page", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#instances")))
	row := text("#instance-erp-partner")
	for _, want := range []string{"acme", "partial", "2 found, 0 repaired"} {
		if !strings.Contains(row, want) {
			t.Errorf("the instances page's row lacks %q: %q", want, row)
		}
	}
	if got := text("#instance-erp-partner .failures"); got != "1" {
		t.Errorf("open failures %q, want 1", got)
	}

	// The instance page: runs per entity without zeros, the ledger with
	// keys and reasons, the last reconciliation.
	mustRun("instance page", chromedp.Click(chromedp.CSS(`#instance-erp-partner a`)), chromedp.WaitVisible(chromedp.CSS("#summary")))
	runs := text("#run-q-lastrun42")
	if !strings.Contains(runs, "read 10, created 7, failed 3") || strings.Contains(runs, "updated") {
		t.Errorf("the run's counts per entity are not read 10, created 7, failed 3 without zeros: %q", runs)
	}
	if ledger := text("#ledger"); !strings.Contains(ledger, "L-1007") || !strings.Contains(ledger, "the partner refused the e-mail address") {
		t.Errorf("the ledger lacks the record's key and reason: %q", ledger)
	}
	if rec := text("#reconcile + p"); !strings.Contains(rec, "2 drifted, 0 repaired") {
		t.Errorf("the last reconciliation: %q", rec)
	}

	// Audit search with the CLI's filters, then one run's page.
	mustRun("audit search", chromedp.SetValue(chromedp.CSS("#audit-key"), "L-1007"), chromedp.Click(chromedp.CSS("#audit-submit")))
	waitForURL(t, ctx, "key=L-1007")
	if audit := text("table.audit"); !strings.Contains(audit, "L-1007") || strings.Contains(audit, "L-2001") {
		t.Errorf("the audit search for key L-1007 shows: %q", audit)
	}
	mustRun("run page", chromedp.Navigate(ts.URL+"/instances/erp-partner/runs/q-lastrun42"), chromedp.WaitVisible(chromedp.CSS("#run")))
	if got := text("#outcome"); got != "partial" {
		t.Errorf("the run page's outcome %q, want partial", got)
	}

	// Every action, confirmed.
	for _, c := range []struct{ link, notice string }{
		{"run", "run was enqueued"}, {"plan", "plan was made"}, {"reconcile", "reconcile was enqueued"},
		{"retry", "retry was enqueued"}, {"disable", "is disabled"}, {"enable", "is enabled"},
	} {
		mustRun(c.link, chromedp.Navigate(ts.URL+"/instances/erp-partner"), chromedp.WaitVisible(chromedp.CSS("#actions")),
			chromedp.Click(chromedp.CSS(`#actions a[href$="/actions/`+c.link+`"]`)), chromedp.WaitVisible(chromedp.CSS("#confirm")),
			chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#notice")))
		if got := text("#notice"); !strings.Contains(got, c.notice) {
			t.Errorf("after %s the page says %q, want %q", c.link, got, c.notice)
		}
	}
	if plan := text("#plan + p"); !strings.Contains(plan, "by admin") {
		t.Errorf("the last plan: %q", plan)
	}
	info, err := ts.insp.ListPendingTasks(ts.cfg.Queue)
	if err != nil || len(info) != 3 {
		t.Errorf("the queue holds %d tasks (%v), want the run, the reconciliation and the retry", len(info), err)
	}
	page, err := store.NewAudit(ts.cfg.Redis, ts.cfg.Keys, store.AuditConfig{}).Query(context.Background(), store.Query{Instance: "erp-partner"})
	if err != nil {
		t.Fatal(err)
	}
	var done []string
	for _, e := range page.Entries {
		if e.Actor == "admin" {
			done = append(done, string(e.Action))
		}
	}
	if got := strings.Join(done, " "); got != "enable disable retry reconcile plan run" {
		t.Errorf("audited actions of admin, newest first: %q", got)
	}

	// The queue monitor opens with the session alone.
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	mustRun("monitor", chromedp.Navigate(ts.URL+"/monitoring/"), chromedp.WaitReady(chromedp.CSS("body")))
	loc := location()
	if !strings.HasSuffix(loc, "/monitoring/") {
		t.Errorf("the queue monitor sent the browser to %s", loc)
	}

	// Sign out with the keyboard: the button is reachable and the session
	// ends.
	mustRun("sign out", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#signout")), chromedp.Focus(chromedp.CSS("#signout")),
		chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("#name")))
	mustRun("after sign-out", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#name")))
	loc = location()
	if !strings.Contains(loc, "/signin") {
		t.Errorf("after sign-out / shows %s, want the sign-in page", loc)
	}
}
