package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

const testToken = "admin-token-for-tests"

// testServer is a Server on a test's own Redis prefix and queue.
type testServer struct {
	*httptest.Server
	api   *Server
	cfg   Config
	store *instance.InstanceStore
	insp  *asynq.Inspector
}

var unsafeQueueChars = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// newTestServer starts a server on a test's own Redis prefix and queue,
// its Config changed by edits.
func newTestServer(t *testing.T, edits ...func(*Config)) *testServer {
	t.Helper()
	rs := redistest.New(t)
	ns := keys.New(rs.Prefix)
	cfg := Config{Redis: rs.Client, Keys: ns, AdminToken: testToken, Queue: unsafeQueueChars.ReplaceAllString(rs.Prefix, "-"),
		Webhooks: NewSpecWebhooks(instance.NewInstanceStore(rs.Client, ns), queue.WebhookConfig{LookupEnv: func(n string) (string, bool) {
			return "hook-secret", n == "SPECSYNC_TEST_HOOK_SECRET"
		}})}
	for _, edit := range edits {
		edit(&cfg)
	}
	api, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: httptest.NewServer(api.Handler()), api: api, cfg: cfg, store: instance.NewInstanceStore(rs.Client, ns),
		insp: asynq.NewInspectorFromRedisClient(rs.Client)}
	t.Cleanup(func() {
		ts.Close()
		api.Close()
		if err := ts.insp.DeleteQueue(cfg.Queue, true); err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
			t.Logf("delete queue: %v", err)
		}
		// DeleteQueue leaves the queue's statistics behind.
		if err := redistest.UnlinkMatching(context.Background(), rs.Client, "asynq:{"+cfg.Queue+"}*"); err != nil {
			t.Errorf("delete the queue's statistics: %v", err)
		}
	})
	return ts
}

// apply stores an enabled instance whose specs are under testdata, with
// their content.
func (ts *testServer) apply(t *testing.T, id string) *instance.Instance {
	t.Helper()
	dir, _ := filepath.Abs("testdata")
	inst := &instance.Instance{ID: id, Organisation: "acme", Model: filepath.Join(dir, "model.json"), Enabled: true,
		Home: instance.System{Spec: filepath.Join(dir, "home.json")}, Partner: instance.System{Spec: filepath.Join(dir, "partner.json")}}
	// The tests never load the model, which testdata does not have.
	files := map[string][]byte{inst.Model: []byte("{}")}
	for _, p := range []string{inst.Home.Spec, inst.Partner.Spec} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = data
	}
	if _, err := ts.store.Apply(context.Background(), inst, files); err != nil {
		t.Fatal(err)
	}
	return inst
}

// do sends a request with token (none when empty) and returns status and body.
func (ts *testServer) do(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func TestNewRefusesNoAdminToken(t *testing.T) {
	rs := redistest.New(t)
	if _, err := New(Config{Redis: rs.Client}); err == nil || !strings.Contains(err.Error(), "SPECSYNC_ADMIN_TOKEN") {
		t.Errorf("New without a token = %v, want a refusal naming SPECSYNC_ADMIN_TOKEN", err)
	}
}

func TestAdminAPIRefusesMissingOrWrongToken(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	for _, path := range []string{"/api/instances", "/api/instances/erp-partner", "/"} {
		for _, tok := range []string{"", "wrong", testToken[:len(testToken)-1]} {
			if code, _ := ts.do(t, "GET", path, tok, ""); code != http.StatusUnauthorized {
				t.Errorf("GET %s with token %q: %d, want 401", path, tok, code)
			}
		}
		if code, body := ts.do(t, "GET", path, testToken, ""); code != http.StatusOK {
			t.Errorf("GET %s with the token: %d %s", path, code, body)
		}
	}
}

func TestAdminAPIValidatesAgainstItsDocument(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	for path, want := range map[string]int{
		"/api/instances/erp-partner/runs?limit=abc":           http.StatusBadRequest,
		"/api/instances/erp-partner/failures?direction=north": http.StatusBadRequest,
		"/api/instances/erp-partner/audit?since=yesterday":    http.StatusBadRequest,
		"/api/nothing":                        http.StatusNotFound,
		"/api/instances/erp-partner/runs":     http.StatusOK,
		"/api/instances/erp-partner/audit":    http.StatusOK,
		"/api/instances/erp-partner/failures": http.StatusOK,
		"/api/instances/missing":              http.StatusNotFound,
	} {
		if code, body := ts.do(t, "GET", path, testToken, ""); code != want {
			t.Errorf("GET %s: %d %s, want %d", path, code, body, want)
		}
	}
	if code, body := ts.do(t, "GET", "/openapi.json", "", ""); code != http.StatusOK || !strings.Contains(body, `"openapi"`) {
		t.Errorf("GET /openapi.json: %d", code)
	}
}

func TestAdminRunNowIsUniquePerInstance(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	if code, body := ts.do(t, "POST", "/api/instances/erp-partner/run", testToken, ""); code != http.StatusAccepted {
		t.Fatalf("run now: %d %s", code, body)
	}
	if code, body := ts.do(t, "POST", "/api/instances/erp-partner/run", testToken, ""); code != http.StatusConflict {
		t.Errorf("second run now while the first is pending: %d %s, want 409", code, body)
	}
	if code, _ := ts.do(t, "POST", "/api/instances/erp-partner/disable", testToken, ""); code != http.StatusOK {
		t.Errorf("disable: %d", code)
	}
	if inst, _ := ts.store.Get(context.Background(), "erp-partner"); inst.Enabled {
		t.Error("instance still enabled after disable")
	}
	if code, body := ts.do(t, "POST", "/api/instances/erp-partner/retry", testToken, ""); code != http.StatusConflict || !strings.Contains(body, "enable it first") {
		t.Errorf("retry of a disabled instance: %d %s, want 409", code, body)
	}
}

// recordRunner records the single-record jobs it gets.
type recordRunner struct{ got chan queue.RecordPayload }

func (r recordRunner) RunJob(_ context.Context, job queue.Job) (*engine.Summary, error) {
	if job.Record != nil {
		r.got <- *job.Record
	}
	return nil, nil
}

func TestWebhookEnqueuesARecordSyncEndToEnd(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	code, body := ts.do(t, "GET", "/api/instances/erp-partner", testToken, "")
	var shown struct {
		WebhookPath string `json:"webhookPath"`
	}
	if err := json.Unmarshal([]byte(body), &shown); code != http.StatusOK || err != nil || shown.WebhookPath == "" {
		t.Fatalf("show instance: %d %s %v", code, body, err)
	}
	event := `{"operation":"TENANT_UPDATED","data":{"externalTenantId":"L-42"}}`
	post := func(path, sig, body string) int {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
		if sig != "" {
			req.Header.Set("X-Signature", sig)
		}
		code, _ := send(t, req)
		return code
	}
	for name, c := range map[string]struct {
		path, sig, body string
		want            int
	}{
		"wrong token":   {"/webhooks/erp-partner/guess", hmacHex("hook-secret", event), event, http.StatusNotFound},
		"bad signature": {shown.WebhookPath, hmacHex("guess", event), event, http.StatusUnauthorized},
		"unknown event": {shown.WebhookPath, hmacHex("hook-secret", `{"operation":"X"}`), `{"operation":"X"}`, http.StatusAccepted},
	} {
		if got := post(c.path, c.sig, c.body); got != c.want {
			t.Errorf("%s: %d, want %d", name, got, c.want)
		}
	}
	if got := post(shown.WebhookPath, hmacHex("hook-secret", event), event); got != http.StatusAccepted {
		t.Fatalf("delivery: %d", got)
	}
	req, _ := http.NewRequest("POST", ts.URL+shown.WebhookPath, strings.NewReader(event))
	req.Header.Set("X-Signature", hmacHex("hook-secret", event))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get(DuplicateHeader) != "true" {
		t.Errorf("second delivery of one event: %d, %s %q; want 200 acknowledged as a duplicate", resp.StatusCode, DuplicateHeader, resp.Header.Get(DuplicateHeader))
	}
	runner := recordRunner{got: make(chan queue.RecordPayload, 4)}
	srv := ts.worker(t, runner)
	defer srv.Shutdown()
	got := <-runner.got
	want := queue.RecordPayload{Prefix: ts.cfg.Keys.Prefix(), Instance: "erp-partner", Direction: instance.Push, Entity: "tenant", Key: "L-42", Action: "upsert", Event: "TENANT_UPDATED", Delivery: got.Delivery}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("synced record (-want +got):\n%s", diff)
	}
	if rec := waitForRun(t, ts, "erp-partner"); rec.Task != queue.TaskRecord || rec.Trigger != queue.TriggerWebhook || rec.Event != "TENANT_UPDATED" || rec.Outcome != queue.RunOK {
		t.Errorf("the admin API's newest run: %+v; want the webhook's record sync, ok", rec)
	}
	info, err := ts.insp.GetQueueInfo(ts.cfg.Queue)
	if err != nil || info.Processed+info.Pending+info.Active != 1 {
		t.Errorf("two deliveries of one event should enqueue one task: %+v %v", info, err)
	}
}

// waitForRun polls the admin API's run list of id until it holds a run,
// and returns the newest.
func waitForRun(t *testing.T, ts *testServer, id string) queue.RunRecord {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		code, body := ts.do(t, "GET", "/api/instances/"+id+"/runs", testToken, "")
		var list struct {
			Runs []queue.RunRecord `json:"runs"`
		}
		if err := json.Unmarshal([]byte(body), &list); code != http.StatusOK || err != nil {
			t.Fatalf("GET runs: %d %s %v", code, body, err)
		}
		if len(list.Runs) > 0 {
			return list.Runs[0]
		}
	}
	t.Fatalf("no run of %s listed by the admin API", id)
	return queue.RunRecord{}
}

// worker starts an asynq server running r on the test's queue.
func (ts *testServer) worker(t *testing.T, r queue.Runner) *asynq.Server {
	t.Helper()
	w, err := queue.NewWorker(queue.WorkerConfig{Runner: r, Store: ts.store, History: queue.NewHistory(ts.cfg.Redis, ts.cfg.Keys, queue.HistoryConfig{})})
	if err != nil {
		t.Fatal(err)
	}
	srv := asynq.NewServerFromRedisClient(ts.cfg.Redis, asynq.Config{Queues: map[string]int{ts.cfg.Queue: 1}, LogLevel: asynq.WarnLevel})
	if err := srv.Start(w.Mux()); err != nil {
		t.Fatal(err)
	}
	return srv
}

func hmacHex(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestWebhookUsesTheAppliedSpecs applies an instance whose spec files are
// gone from disk afterwards: its webhook still checks and enqueues
// deliveries, with the specs it was applied with.
func TestWebhookUsesTheAppliedSpecs(t *testing.T) {
	ts := newTestServer(t)
	applied := ts.apply(t, "erp-partner")
	files, err := ts.store.Files(context.Background(), mustGet(t, ts.store, applied.ID))
	if err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(t.TempDir(), "gone")
	moved := map[string][]byte{}
	for _, p := range []*string{&applied.Model, &applied.Home.Spec, &applied.Partner.Spec} {
		data := files[*p]
		*p = filepath.Join(gone, filepath.Base(*p))
		moved[*p] = data
	}
	if change, err := ts.store.Apply(context.Background(), applied, moved); err != nil || change != instance.Updated {
		t.Fatalf("apply with the specs in a folder that does not exist: %v, %v", change, err)
	}
	_, body := ts.do(t, "GET", "/api/instances/erp-partner", testToken, "")
	var shown struct {
		WebhookPath string `json:"webhookPath"`
	}
	if err := json.Unmarshal([]byte(body), &shown); err != nil || shown.WebhookPath == "" {
		t.Fatalf("show instance: %s %v", body, err)
	}
	event := `{"operation":"TENANT_UPDATED","data":{"externalTenantId":"L-42"}}`
	req, _ := http.NewRequest("POST", ts.URL+shown.WebhookPath, strings.NewReader(event))
	req.Header.Set("X-Signature", hmacHex("hook-secret", event))
	if code, body := send(t, req); code != http.StatusAccepted {
		t.Fatalf("delivery: %d %s", code, body)
	}
	info, err := ts.insp.GetQueueInfo(ts.cfg.Queue)
	if err != nil || info.Pending != 1 {
		t.Errorf("queue after the delivery: %+v, %v; want one record sync pending", info, err)
	}
}

// mustGet returns the stored instance with id.
func mustGet(t *testing.T, s *instance.InstanceStore, id string) *instance.Instance {
	t.Helper()
	inst, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestAdminReconcileEnqueuesARepair(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	if code, body := ts.do(t, "POST", "/api/instances/erp-partner/reconcile?repair=maybe", testToken, ""); code != http.StatusBadRequest || !strings.Contains(body, "repair") {
		t.Errorf("reconcile?repair=maybe: %d %s, want 400 naming repair", code, body)
	}
	if code, body := ts.do(t, "POST", "/api/instances/erp-partner/reconcile?repair=1&entity=tenant", testToken, ""); code != http.StatusAccepted || !strings.Contains(body, queue.TaskReconcile) {
		t.Fatalf("reconcile now: %d %s", code, body)
	}
	info, err := ts.insp.GetTaskInfo(ts.cfg.Queue, queue.ReconcileTaskID("erp-partner"))
	if err != nil {
		t.Fatal(err)
	}
	var p queue.RunPayload
	if err := json.Unmarshal(info.Payload, &p); err != nil || info.Type != queue.TaskReconcile || !p.Repair || p.Entity != "tenant" || p.Trigger != queue.TriggerManual {
		t.Errorf("enqueued %s %+v (%v); want a manual repairing reconcile of tenant", info.Type, p, err)
	}
	if code, body := ts.do(t, "POST", "/api/instances/erp-partner/reconcile", testToken, ""); code != http.StatusConflict {
		t.Errorf("second reconcile while the first is pending: %d %s, want 409", code, body)
	}
}
