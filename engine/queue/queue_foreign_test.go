package queue

import (
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/internal/keys"
)

// TestWorkerRefusesForeignTasks: a task of another installation (another
// key prefix) or of none, which reached this installation's queue by a
// misconfigured --queue or an older version, is not run, not dropped
// silently and not retried: the worker logs it as an error and asynq
// archives it with the reason. A task of the worker's own prefix runs.
func TestWorkerRefusesForeignTasks(t *testing.T) {
	t.Parallel()
	e := newQueueEnv(t)
	e.apply(t, true, "a", "b")
	r := newFakeRunner(0)
	var logs connectortest.Logs
	w, err := NewWorker(WorkerConfig{Runner: r, Store: e.store, History: e.history,
		Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := NewRunTask(RunPayload{Instance: "a", Trigger: TriggerManual}, Route{Keys: keys.New("other-installation"), Queue: e.queue})
	if err != nil {
		t.Fatal(err)
	}
	unowned := asynq.NewTask(TaskRecord, []byte(`{"instance":"a","entity":"tenant","key":"T-1","action":"upsert"}`), asynq.Queue(e.queue), asynq.MaxRetry(TaskRetries))
	for _, task := range []*asynq.Task{foreign, unowned} {
		if _, err := e.client.Enqueue(task); err != nil {
			t.Fatal(err)
		}
	}
	own, err := NewRunTask(RunPayload{Instance: "b", Trigger: TriggerManual}, e.route())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Enqueue(own); err != nil {
		t.Fatal(err)
	}
	srv := e.server(t, w, 2)
	defer srv.Shutdown()

	var archived []*asynq.TaskInfo
	waitFor(t, "two archived tasks and the own run", func() bool {
		archived, _ = e.insp.ListArchivedTasks(e.queue)
		return len(archived) == 2 && len(mustJobs(r)) == 1
	})
	for _, ti := range archived {
		if !strings.Contains(ti.LastErr, ErrForeignTask.Error()) || ti.Retried != 0 {
			t.Errorf("archived %s: retried %d, last error %q; want no retry and %q", ti.Type, ti.Retried, ti.LastErr, ErrForeignTask)
		}
	}
	if jobs := mustJobs(r); jobs[0].Instance.ID != "b" {
		t.Errorf("ran %s; want only the own task's instance b", jobs[0].Instance.ID)
	}
	out := logs.String()
	if n := strings.Count(out, "level=ERROR msg=\"task refused and archived\""); n != 2 {
		t.Errorf("%d refusals logged as errors, want 2:\n%s", n, out)
	}
	if !strings.Contains(out, `other-installation:`) {
		t.Errorf("the refusal does not name the foreign prefix:\n%s", out)
	}
}
