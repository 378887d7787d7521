package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/examples/standins"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/specs"
)

// isolationInstances is how many instances each installation runs; their
// ids are the same in both, the worst case for a shared queue.
const isolationInstances = 3

// TestTwoInstallationsOnOneRedisRunOnlyTheirOwn is the regression test of
// a demo that, sharing a Redis database with a real installation, took
// two of its six runs and dropped them: two `serve` processes (scheduler,
// worker and HTTP side each) on one Redis database with different
// prefixes, each with instances of the same ids pushing to its own
// partner stand-in. Every run enqueued through either admin API runs
// exactly once, in its own installation, and no task is archived.
func TestTwoInstallationsOnOneRedisRunOnlyTheirOwn(t *testing.T) {
	t.Setenv("SPECSYNC_ADMIN_TOKEN", "isolation-token")
	for k, v := range standins.DemoCredentials() {
		t.Setenv(k, v)
	}
	a, b := startServe(t), startServe(t)
	partners := map[*runningServe]*mock.Server{a: applyIsolated(t, a), b: applyIsolated(t, b)}
	for _, s := range []*runningServe{a, b} {
		for i := range isolationInstances {
			if code := s.post(t, fmt.Sprintf("/api/instances/i%d/run", i), "isolation-token"); code != http.StatusAccepted {
				t.Fatalf("POST run of i%d: %d", i, code)
			}
		}
	}
	ctx := context.Background()
	for _, s := range []*runningServe{a, b} {
		hist := queue.NewHistory(s.redis.Client, keys.New(s.redis.Prefix), queue.HistoryConfig{})
		insp := asynq.NewInspectorFromRedisClient(s.redis.Client)
		q := keys.New(s.redis.Prefix).Queue()
		var recs map[string][]queue.RunRecord
		finished := func() bool {
			recs = map[string][]queue.RunRecord{}
			done := 0
			for i := range isolationInstances {
				id := fmt.Sprintf("i%d", i)
				recs[id], _ = hist.List(ctx, id, 0, 0)
				if len(recs[id]) == 1 && recs[id][0].Outcome != queue.RunActive {
					done++
				}
			}
			info, err := insp.GetQueueInfo(q)
			return done == isolationInstances && err == nil && info.Pending+info.Active+info.Retry == 0
		}
		if !waitUntil(30*time.Second, finished) {
			info, _ := insp.GetQueueInfo(q)
			t.Fatalf("installation %s: runs %+v, queue %+v\n%s", s.redis.Prefix, recs, info, s.stderr.String())
		}
		for id, rs := range recs {
			// The example's data makes a few records fail: partial is fine.
			if r := rs[0]; r.Outcome == queue.RunFailed || r.Trigger != queue.TriggerManual {
				t.Errorf("installation %s, %s: outcome %s, trigger %s; want a manual run that did not fail: %s", s.redis.Prefix, id, r.Outcome, r.Trigger, r.Error)
			}
		}
		if archived, _ := insp.ListArchivedTasks(q); len(archived) != 0 {
			t.Errorf("installation %s archived %d tasks: %+v", s.redis.Prefix, len(archived), archived[0])
		}
		if strings.Contains(s.stderr.String(), "task refused") {
			t.Errorf("installation %s refused a task:\n%s", s.redis.Prefix, s.stderr.String())
		}
		if partners[s].Stats().Creates == 0 {
			t.Errorf("installation %s: nothing reached its partner", s.redis.Prefix)
		}
	}
	checkMonitorScope(t, a, keys.New(a.redis.Prefix).Queue(), keys.New(b.redis.Prefix).Queue())
}

// checkMonitorScope: s's queue monitor lists its own queue alone and
// refuses to show another installation's tasks.
func checkMonitorScope(t *testing.T, s *runningServe, own, other string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.base+"/monitoring/api/queues", nil)
	req.Header.Set("Authorization", "Bearer isolation-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Queues []struct{ Queue string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Queues) != 1 || list.Queues[0].Queue != own {
		t.Errorf("the monitor lists queues %+v (%v); want %s alone", list.Queues, err, own)
	}
	for q, want := range map[string]int{own: http.StatusOK, other: http.StatusNotFound} {
		if code := s.get(t, "/monitoring/api/queues/"+q+"/archived_tasks", "isolation-token"); code != want {
			t.Errorf("the monitor's archived tasks of queue %s: %d, want %d", q, code, want)
		}
	}
}

// applyIsolated stores the example's erp-casavi instance as i0, i1...
// in s's installation, with stand-ins of its own, and returns its partner.
func applyIsolated(t *testing.T, s *runningServe) *mock.Server {
	t.Helper()
	erp := startStandIn(t, "examples/realestate/erp.json", standins.ERPData())
	casavi := startStandIn(t, "examples/realestate/casavi.json", nil)
	store := instance.NewInstanceStore(s.redis.Client, keys.New(s.redis.Prefix))
	for i := range isolationInstances {
		rec := &specs.FileRecorder{}
		l, fs, err := instance.LoadInstance(filepath.Join(repoRoot, "examples/realestate/instances/erp-casavi.json"), specs.LoadOptions{Files: rec})
		if err != nil || fs.HasErrors() {
			t.Fatalf("erp-casavi: %v %v", err, fs)
		}
		inst := l.Instance
		inst.ID, inst.Enabled = fmt.Sprintf("i%d", i), true
		inst.Home.BaseURL = erp.url + "/api/v2"
		inst.Partner.BaseURL = casavi.url + "/v2"
		if _, err := store.Apply(context.Background(), inst, rec.Files()); err != nil {
			t.Fatal(err)
		}
	}
	return casavi.srv
}

// standIn is a spec's mock served in the test.
type standIn struct {
	srv *mock.Server
	url string
}

// startStandIn serves the spec at path (relative to the repository),
// seeded with data when given.
func startStandIn(t *testing.T, path string, data map[string][]map[string]any) standIn {
	t.Helper()
	spec, fs, err := specs.Load(filepath.Join(repoRoot, path), specs.LoadOptions{})
	if err != nil || fs.HasErrors() {
		t.Fatalf("%s: %v %v", path, err, fs)
	}
	srv, err := mock.New(spec, mock.Options{Seed: 1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for entity, records := range data {
		if err := srv.Seed(entity, records); err != nil {
			t.Fatalf("seeding %s: %v", entity, err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return standIn{srv: srv, url: hs.URL}
}

// post sends POST path with token and returns the status.
func (s *runningServe) post(t *testing.T, path, token string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", s.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitUntil polls cond until it holds or d passed.
func waitUntil(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
