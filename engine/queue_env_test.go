package engine_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// queueEnv is an instance store, a run history and an asynq queue unique
// to one test, on the harness's Redis; the queue is deleted at the end.
// (Package queue's tests have their own: they cannot share test code
// with this package.)
type queueEnv struct {
	rdb     redis.UniversalClient
	ns      keys.Namespace
	store   *instance.InstanceStore
	history *queue.History
	queue   string
	client  *asynq.Client
	insp    *asynq.Inspector
}

var unsafeQueueChars = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// newQueueEnv returns a queueEnv on the Redis of h.
// route is where the env's tasks go: its queue, its namespace's prefix.
func (e *queueEnv) route() queue.Route { return queue.Route{Keys: e.ns, Queue: e.queue} }

func newQueueEnv(t testing.TB, h *engine.QueueHarness) *queueEnv {
	t.Helper()
	rdb, ns := h.Redis()
	e := &queueEnv{rdb: rdb, ns: ns, store: instance.NewInstanceStore(rdb, ns), history: queue.NewHistory(rdb, ns, queue.HistoryConfig{}),
		queue: unsafeQueueChars.ReplaceAllString(ns.Prefix(), "-"), client: asynq.NewClientFromRedisClient(rdb),
		insp: asynq.NewInspectorFromRedisClient(rdb)}
	t.Cleanup(func() {
		if err := e.insp.DeleteQueue(e.queue, true); err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
			t.Logf("delete queue: %v", err)
		}
		if err := redistest.UnlinkMatching(context.Background(), rdb, "asynq:{"+e.queue+"}*"); err != nil {
			t.Errorf("delete the queue's statistics: %v", err)
		}
	})
	return e
}

// server starts an asynq server for worker w on the env's queue.
func (e *queueEnv) server(t testing.TB, w *queue.Worker, concurrency int) *asynq.Server {
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
func (e *queueEnv) worker(t testing.TB, r queue.Runner, obs queue.Observer) *queue.Worker {
	t.Helper()
	w, err := queue.NewWorker(queue.WorkerConfig{Runner: r, Store: e.store, History: e.history, Observer: obs, BusyRetry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// enqueueRun enqueues a run of id.
func (e *queueEnv) enqueueRun(t testing.TB, id string) {
	t.Helper()
	task, err := queue.NewRunTask(queue.RunPayload{Instance: id, Trigger: queue.TriggerManual}, e.route())
	if err != nil {
		t.Fatal(err)
	}
	if _, err = e.client.Enqueue(task); err != nil {
		t.Fatal(err)
	}
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

// notifyingWorkers starts two workers that run h's engine on the
// instances of the store and tell notes; they stop when the test ends.
func (e *queueEnv) notifyingWorkers(t testing.TB, h *engine.QueueHarness, notes queue.Notifier) {
	t.Helper()
	w, err := queue.NewWorker(queue.WorkerConfig{Runner: queue.NewEngineRunner(h.Engine(), e.store, specs.LoadOptions{}), Store: e.store,
		History: e.history, Notifier: notes, BusyRetry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.server(t, w, 2).Shutdown)
}

// waitRuns waits until instance id has n run records and returns the
// latest.
func (e *queueEnv) waitRuns(t testing.TB, id string, n int) *queue.RunRecord {
	t.Helper()
	ctx := context.Background()
	waitFor(t, "the run", func() bool { recs, _ := e.history.List(ctx, id, 0, 0); return len(recs) == n })
	rec, _ := e.history.Last(ctx, id)
	return rec
}
