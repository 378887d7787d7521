package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// smtpSink is a tiny SMTP server on loopback that keeps the data of each
// mail it receives.
func smtpSink(t *testing.T) (addr string, mails <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go smtpSession(c, out)
		}
	}()
	return ln.Addr().String(), out
}

// smtpSession answers one client: every command is accepted.
func smtpSession(c net.Conn, out chan<- string) {
	defer c.Close()
	r := bufio.NewReader(c)
	reply := func(s string) { c.Write([]byte(s + "\r\n")) }
	reply("220 sink")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250 sink")
		case cmd == "DATA":
			reply("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			out <- data.String()
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

func TestNotifierSendsWebhookAndEmail(t *testing.T) {
	texts := make(chan string, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Text string }
		json.NewDecoder(r.Body).Decode(&body)
		texts <- body.Text
	}))
	defer hook.Close()
	addr, mails := smtpSink(t)
	n := New(Config{Organisations: map[string]Org{"acme": {
		Webhook: &specs.Credential{Env: "HOOK_URL"},
		Email:   &Email{Server: addr, From: "specsync@example.org", To: []string{"ops@example.org"}},
	}}}, func(n string) (string, bool) { return hook.URL, n == "HOOK_URL" })
	inst := &instance.Instance{ID: "erp-partner", Organisation: "acme"}
	rec := queue.RunRecord{ID: "q-1", Instance: "erp-partner", Organisation: "acme", Outcome: queue.RunPartial, Failed: 2,
		Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "tenant", Counts: map[string]int64{"failed": 2}}}}
	if err := n.Notify(context.Background(), inst, rec); err != nil {
		t.Fatal(err)
	}
	if text := <-texts; !strings.Contains(text, "erp-partner") || !strings.Contains(text, "push tenant: 2 failed") {
		t.Errorf("webhook text %q names neither the instance nor its failures", text)
	}
	if mail := <-mails; !strings.Contains(mail, "Subject: specsync: partial run of erp-partner") {
		t.Errorf("mail without the expected subject:\n%s", mail)
	}
}

func TestNotificationFailureDoesNotFailTheRun(t *testing.T) {
	ts := newTestStore(t)
	n := New(Config{Organisations: map[string]Org{"acme": {
		Webhook: &specs.Credential{Env: "UNSET_HOOK_URL"},
		Email:   &Email{Server: "127.0.0.1:1", From: "a@example.org", To: []string{"b@example.org"}},
	}}}, func(string) (string, bool) { return "", false })
	hist := queue.NewHistory(ts.rdb, ts.ns, queue.HistoryConfig{})
	calls := 0
	w, err := queue.NewWorker(queue.WorkerConfig{Runner: failingRunner{ts}, Store: ts.store, History: hist, Notifier: countingNotifier{n, &calls}})
	if err != nil {
		t.Fatal(err)
	}
	task, _ := queue.NewRunTask(queue.RunPayload{Instance: "erp-partner"}, queue.Route{Keys: ts.ns})
	if err := w.Mux().ProcessTask(context.Background(), task); err != nil {
		t.Fatalf("task failed because its notification failed: %v", err)
	}
	if rec, _ := hist.Last(context.Background(), "erp-partner"); rec == nil || rec.Outcome != queue.RunPartial || rec.NewFailures != 1 {
		t.Errorf("run record %+v, want a partial run with one new failure", rec)
	}
	if calls != 1 {
		t.Errorf("notifier called %d times, want once", calls)
	}
}

// testStore is an instance store on a test's own Redis prefix that holds
// the enabled instance erp-partner of organisation acme.
type testStore struct {
	rdb   redis.UniversalClient
	ns    keys.Namespace
	store *instance.InstanceStore
}

func newTestStore(t *testing.T) *testStore {
	t.Helper()
	rs := redistest.New(t)
	ts := &testStore{rdb: rs.Client, ns: keys.New(rs.Prefix)}
	ts.store = instance.NewInstanceStore(ts.rdb, ts.ns)
	inst := &instance.Instance{ID: "erp-partner", Organisation: "acme", Model: "model.json", Enabled: true,
		Home: instance.System{Spec: "home.json"}, Partner: instance.System{Spec: "partner.json"}}
	files := specs.FileSet{inst.Model: []byte("{}"), inst.Home.Spec: []byte("{}"), inst.Partner.Spec: []byte("{}")}
	if _, err := ts.store.Apply(context.Background(), inst, files); err != nil {
		t.Fatal(err)
	}
	return ts
}

// failingRunner fails one new record of every run, in the ledger too.
type failingRunner struct{ ts *testStore }

func (r failingRunner) RunJob(ctx context.Context, job queue.Job) (*engine.Summary, error) {
	l := store.NewLedger(r.ts.rdb, r.ts.ns, job.Instance.ID, store.LedgerConfig{})
	err := l.Fail(ctx, instance.Push, "tenant", store.Failed{Key: "L-" + job.RunID, RunID: job.RunID, Reason: store.Reason{Code: "http-422", Message: "refused"}})
	return &engine.Summary{Entities: []*engine.EntitySummary{{Direction: instance.Push, Entity: "tenant", Failed: 1}}}, err
}

// countingNotifier counts notifications and fails each.
type countingNotifier struct {
	n     *Notifier
	calls *int
}

func (c countingNotifier) Notify(ctx context.Context, inst *instance.Instance, rec queue.RunRecord) error {
	*c.calls++
	return c.n.Notify(ctx, inst, rec)
}

func TestReadNotifyConfigRefusesUnknownKeys(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte("organisations:\n  acme:\n    webhook: {env: SLACK_URL}\n"), 0o600)
	os.WriteFile(bad, []byte("organisations:\n  acme:\n    slack: {env: SLACK_URL}\n"), 0o600)
	cfg, err := ReadConfig(good)
	if err != nil || cfg.Organisations["acme"].Webhook.Env != "SLACK_URL" {
		t.Errorf("good config: %+v, %v", cfg, err)
	}
	if _, err := ReadConfig(bad); err == nil || !strings.Contains(err.Error(), "slack") {
		t.Errorf("config with an unknown key: %v, want an error naming it", err)
	}
}

func TestNotifyTextNamesUnrepairedDrift(t *testing.T) {
	rec := queue.RunRecord{ID: "q-2", Instance: "erp-partner", Organisation: "acme", Task: queue.TaskReconcile, Outcome: queue.RunPartial, Drift: 3, Repaired: 1,
		Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "unit", Counts: map[string]int64{"drift": 3, "repaired": 1}}}}
	text := notifyText(rec)
	for _, want := range []string{"3 records that differ at the partner, 1 of them repaired", "--outcome drift", "push unit: 3 drifted, 1 repaired"} {
		if !strings.Contains(text, want) {
			t.Errorf("notification %q lacks %q", text, want)
		}
	}
}
