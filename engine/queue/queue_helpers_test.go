package queue

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// fakeRunner records the jobs it gets and whether two runs of one
// instance ever overlapped.
type fakeRunner struct {
	delay    time.Duration
	started  chan string
	mu       sync.Mutex
	active   map[string]int
	overlaps int
	jobs     []Job
}

func newFakeRunner(delay time.Duration) *fakeRunner {
	return &fakeRunner{delay: delay, active: map[string]int{}, started: make(chan string, 1000)}
}

func (f *fakeRunner) RunJob(ctx context.Context, job Job) (*engine.Summary, error) {
	id := job.Instance.ID
	f.mu.Lock()
	if f.active[id]++; f.active[id] > 1 {
		f.overlaps++
	}
	f.jobs = append(f.jobs, job)
	f.mu.Unlock()
	f.started <- id
	time.Sleep(f.delay)
	f.mu.Lock()
	f.active[id]--
	f.mu.Unlock()
	return &engine.Summary{Entities: []*engine.EntitySummary{{Direction: instance.Push, Entity: "tenant", Created: 1}}}, nil
}

func (f *fakeRunner) snapshot() ([]Job, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Job(nil), f.jobs...), f.overlaps
}

// countingObserver counts finished runs and skipped enqueues.
type countingObserver struct {
	mu       sync.Mutex
	finished int
	skipped  map[string]int
}

func (o *countingObserver) RunFinished(RunRecord) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.finished++
}

func (o *countingObserver) EnqueueSkipped(_, instance string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.skipped == nil {
		o.skipped = map[string]int{}
	}
	o.skipped[instance]++
}

// queueEnv is a Redis namespace, an instance store and an asynq queue
// unique to one test; the queue is deleted at the end.
type queueEnv struct {
	rdb     redis.UniversalClient
	ns      keys.Namespace
	store   *instance.InstanceStore
	history *History
	queue   string
	client  *asynq.Client
	insp    *asynq.Inspector
}

var unsafeQueueChars = regexp.MustCompile(`[^a-zA-Z0-9-]`)

func newQueueEnv(t testing.TB) *queueEnv {
	t.Helper()
	rdb, ns := newRedis(t)
	return newQueueEnvOn(t, rdb, ns)
}

// newQueueEnvOn is newQueueEnv on a given Redis and namespace.
func newQueueEnvOn(t testing.TB, rdb redis.UniversalClient, ns keys.Namespace) *queueEnv {
	t.Helper()
	e := &queueEnv{rdb: rdb, ns: ns, store: instance.NewInstanceStore(rdb, ns), history: NewHistory(rdb, ns, HistoryConfig{}),
		queue: unsafeQueueChars.ReplaceAllString(ns.Prefix(), "-"), client: asynq.NewClientFromRedisClient(rdb),
		insp: asynq.NewInspectorFromRedisClient(rdb)}
	t.Cleanup(func() {
		if err := e.insp.DeleteQueue(e.queue, true); err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
			t.Logf("delete queue: %v", err)
		}
		// DeleteQueue leaves the queue's statistics (processed and failed
		// counters) behind.
		if err := redistest.UnlinkMatching(context.Background(), rdb, "asynq:{"+e.queue+"}*"); err != nil {
			t.Errorf("delete the queue's statistics: %v", err)
		}
	})
	return e
}

// filesOf gives the documents of inst a content each; the tests that use
// it never load them.
func filesOf(inst *instance.Instance) specs.FileSet {
	return specs.FileSet{inst.Model: []byte("{}"), inst.Home.Spec: []byte("{}"), inst.Partner.Spec: []byte("{}")}
}

// apply stores enabled (or disabled) instances.
func (e *queueEnv) apply(t testing.TB, enabled bool, ids ...string) {
	t.Helper()
	for _, id := range ids {
		inst := storedInstance(id, "acme")
		inst.Enabled = enabled
		if _, err := e.store.Apply(context.Background(), inst, filesOf(inst)); err != nil {
			t.Fatal(err)
		}
	}
}

// server starts an asynq server for worker w on the env's queue.
func (e *queueEnv) server(t testing.TB, w *Worker, concurrency int) *asynq.Server {
	t.Helper()
	srv := asynq.NewServerFromRedisClient(e.rdb, asynq.Config{
		Concurrency: concurrency, Queues: map[string]int{e.queue: 1}, LogLevel: asynq.WarnLevel,
		ShutdownTimeout: 10 * time.Second, RetryDelayFunc: w.RetryDelay, IsFailure: w.IsFailure,
		DelayedTaskCheckInterval: 100 * time.Millisecond,
	})
	if err := srv.Start(w.Mux()); err != nil {
		t.Fatal(err)
	}
	return srv
}

// worker returns a Worker running r.
func (e *queueEnv) worker(t testing.TB, r Runner, obs Observer) *Worker {
	t.Helper()
	w, err := NewWorker(WorkerConfig{Runner: r, Store: e.store, History: e.history, Observer: obs, BusyRetry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// enqueueRun enqueues a run of id and reports whether it was taken.
func (e *queueEnv) enqueueRun(t testing.TB, id string) bool {
	t.Helper()
	task, err := NewRunTask(RunPayload{Instance: id, Trigger: TriggerManual}, e.route())
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Enqueue(task)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// waitFor polls cond until it holds, failing the test after a generous
// bound (a hang, not a speed check).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

// drained reports whether the env's queue has nothing pending or active.
func (e *queueEnv) drained() bool {
	info, err := e.insp.GetQueueInfo(e.queue)
	return err == nil && info.Pending == 0 && info.Active == 0 && info.Scheduled == 0 && info.Retry == 0
}

// newRedis returns a Redis client and a namespace unique to the test.
func newRedis(t testing.TB) (redis.UniversalClient, keys.Namespace) {
	t.Helper()
	s := redistest.New(t)
	return s.Client, keys.New(s.Prefix)
}

// storedInstance returns a valid instance with id in organisation org.
func storedInstance(id, org string) *instance.Instance {
	return &instance.Instance{
		ID: id, Organisation: org, Model: "model.json",
		Home:        instance.System{Spec: "erp.json"},
		Partner:     instance.System{Spec: "everreal.json", Credentials: map[string]specs.Credential{"token": {Env: "TOKEN"}}},
		Permissions: instance.Permissions{instance.Push: {"tenant": {instance.Create}}},
	}
}

// route is where the env's tasks go: its queue, its namespace's prefix.
func (e *queueEnv) route() Route { return Route{Keys: e.ns, Queue: e.queue} }
