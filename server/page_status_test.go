package server

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// statusServer serves the status page of one instance with one finished
// run, without an admin token.
func statusServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	rs := redistest.New(t)
	ns := keys.New(rs.Prefix)
	store := instance.NewInstanceStore(rs.Client, ns)
	inst := &instance.Instance{ID: "erp-everreal", Organisation: "lindenhof", Model: "/m.json", Enabled: true,
		Home: instance.System{Spec: "/erp.json"}, Partner: instance.System{Spec: "/everreal.json"},
		Schedule: instance.Schedule{Cron: "0 23 * * 2,4,0"}}
	files := map[string][]byte{inst.Model: []byte("{}"), inst.Home.Spec: []byte("{}"), inst.Partner.Spec: []byte("{}")}
	if _, err := store.Apply(ctx, inst, files); err != nil {
		t.Fatal(err)
	}
	started := time.Date(2026, 3, 3, 23, 0, 0, 0, time.UTC)
	rec := queue.RunRecord{ID: "q-lastrun42", Instance: inst.ID, Task: queue.TaskRun, Trigger: queue.TriggerCLI, Started: started, Finished: started.Add(time.Minute),
		Outcome: queue.RunPartial, Failed: 3, Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "tenant", Counts: map[string]int64{"created": 7, "failed": 3}}}}
	h := queue.NewHistory(rs.Client, ns, queue.HistoryConfig{})
	if err := h.Finish(ctx, rec); err != nil {
		t.Fatal(err)
	}
	api, err := New(Config{Redis: rs.Client, Keys: ns, Insecure: true, Schedules: queue.NewSchedules(queue.ScheduleConfig{Store: store})})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(api.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// wantOnStatusPage are what the page must show of the instance.
var wantOnStatusPage = []string{`id="instance-erp-everreal"`, "lindenhof", "q-lastrun42", `<span class="trigger">(cli)</span>`, `class="last-run partial"`, "push tenant: created 7 failed 3"}

func TestStatusPageShowsInstancesAndLastRun(t *testing.T) {
	ts := statusServer(t)
	code, body := send(t, mustRequest(t, "GET", ts.URL+"/"))
	if code != 200 {
		t.Fatalf("GET /: %d", code)
	}
	for _, want := range wantOnStatusPage {
		if !strings.Contains(body, want) {
			t.Errorf("status page lacks %q:\n%s", want, body)
		}
	}
}

func TestStatusPageInABrowser(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; CI installs it in .ci/run")
		}
		t.Skip("chromium is not installed")
	}
	ts := statusServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+t.TempDir(), "--dump-dom", ts.URL+"/").Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	for _, want := range wantOnStatusPage {
		if !strings.Contains(string(out), want) {
			t.Errorf("the DOM chromium built lacks %q:\n%s", want, out)
		}
	}
}
