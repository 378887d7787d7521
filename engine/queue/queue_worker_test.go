package queue

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
)

func TestTwoWorkersNeverOverlapOneInstance(t *testing.T) {
	t.Parallel()
	e := newQueueEnv(t)
	e.apply(t, true, "a", "b", "c")
	r := newFakeRunner(30 * time.Millisecond)
	for range 2 {
		srv := e.server(t, e.worker(t, r, nil), 4)
		defer srv.Shutdown()
	}
	refused := 0
	waitFor(t, "three runs of every instance", func() bool {
		for _, id := range []string{"a", "b", "c"} {
			if !e.enqueueRun(t, id) {
				refused++
			}
		}
		jobs, _ := r.snapshot()
		return runsPerInstance(jobs)["a"] >= 3 && runsPerInstance(jobs)["b"] >= 3 && runsPerInstance(jobs)["c"] >= 3
	})
	waitFor(t, "the queue to drain", e.drained)
	if _, overlaps := r.snapshot(); overlaps != 0 {
		t.Errorf("%d runs overlapped another run of the same instance", overlaps)
	}
	if refused == 0 {
		t.Error("no enqueue was refused although runs were still pending or active")
	}
}

func TestWorkerRecordsRunsAndSkipsDisabled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newQueueEnv(t)
	e.apply(t, true, "on")
	e.apply(t, false, "off")
	r, obs := newFakeRunner(0), &countingObserver{}
	srv := e.server(t, e.worker(t, r, obs), 2)
	defer srv.Shutdown()
	e.enqueueRun(t, "off")
	e.enqueueRun(t, "on")
	waitFor(t, "the queue to drain", e.drained)
	last, err := e.history.Last(ctx, "on")
	if err != nil || last == nil {
		t.Fatalf("no run record of instance on: %v", err)
	}
	got := RunRecord{Instance: last.Instance, Organisation: last.Organisation, Task: last.Task, Trigger: last.Trigger, Outcome: last.Outcome, Entities: last.Entities}
	want := RunRecord{Instance: "on", Organisation: "acme", Task: TaskRun, Trigger: TriggerManual, Outcome: RunOK,
		Entities: countsOf(&engine.Summary{Entities: []*engine.EntitySummary{{Direction: instance.Push, Entity: "tenant", Created: 1}}})}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("run record (-want +got):\n%s", diff)
	}
	if last.Finished.Before(last.Started) || last.Started.IsZero() {
		t.Errorf("run record times: started %v, finished %v", last.Started, last.Finished)
	}
	if off, _ := e.history.Last(ctx, "off"); off != nil {
		t.Errorf("disabled instance ran: %+v", off)
	}
	if jobs, _ := r.snapshot(); len(jobs) != 1 {
		t.Errorf("runner got %d jobs, want 1", len(jobs))
	}
}

func TestGracefulShutdownLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newQueueEnv(t)
	ids := []string{"a", "b", "c"}
	e.apply(t, true, ids...)
	r := newFakeRunner(200 * time.Millisecond)
	first := e.server(t, e.worker(t, r, nil), 1)
	for _, id := range ids {
		e.enqueueRun(t, id)
	}
	inFlight := <-r.started
	first.Shutdown()
	rec, err := e.history.Last(ctx, inFlight)
	if err != nil || rec == nil || rec.Outcome != RunOK {
		t.Fatalf("the run in flight at shutdown was not finished and recorded: %+v, %v", rec, err)
	}
	info, err := e.insp.GetQueueInfo(e.queue)
	if err != nil {
		t.Fatal(err)
	}
	if info.Pending+info.Active != len(ids)-1 {
		t.Errorf("after shutdown %d tasks wait, want %d", info.Pending+info.Active, len(ids)-1)
	}
	second := e.server(t, e.worker(t, r, nil), 2)
	defer second.Shutdown()
	waitFor(t, "the queue to drain", e.drained)
	for _, id := range ids {
		if rec, _ := e.history.Last(ctx, id); rec == nil {
			t.Errorf("instance %s never ran: its task was lost", id)
		}
	}
}

func TestHistoryIsCappedNewestFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	h := NewHistory(rdb, ns, HistoryConfig{MaxLen: 3})
	for i := range 5 {
		rec := RunRecord{ID: string(rune('a' + i)), Instance: "x", Outcome: RunOK}
		if err := h.Start(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if err := h.Finish(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := h.List(ctx, "x", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.ID)
	}
	if diff := cmp.Diff([]string{"e", "d", "c"}, got); diff != "" {
		t.Errorf("kept runs (-want +got):\n%s", diff)
	}
	if act, _ := h.Active(ctx, "x"); act != nil {
		t.Errorf("finished run still active: %+v", act)
	}
}

// runsPerInstance counts the jobs of each instance.
func runsPerInstance(jobs []Job) map[string]int {
	out := map[string]int{}
	for _, j := range jobs {
		out[j.Instance.ID]++
	}
	return out
}

func TestRecordTaskWaitsForTheInstancesRun(t *testing.T) {
	t.Parallel()
	e := newQueueEnv(t)
	e.apply(t, true, "a")
	r := newFakeRunner(300 * time.Millisecond)
	for range 2 {
		srv := e.server(t, e.worker(t, r, nil), 2)
		defer srv.Shutdown()
	}
	e.enqueueRun(t, "a")
	<-r.started
	rec := RecordPayload{Instance: "a", Direction: instance.Pull, Entity: "tenant", Key: "T-1", Action: "upsert"}
	task, err := NewRecordTask(rec, e.route(), time.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Enqueue(task); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the record sync", func() bool { return len(mustJobs(r)) == 2 })
	if _, overlaps := r.snapshot(); overlaps != 0 {
		t.Errorf("the record sync ran during the instance's run (%d overlaps)", overlaps)
	}
}

func TestTasksOutliveAsynqsDefaultTimeout(t *testing.T) {
	t.Parallel()
	e := newQueueEnv(t)
	run, _ := NewRunTask(RunPayload{Instance: "a"}, e.route())
	rec, _ := NewRecordTask(RecordPayload{Instance: "a", Entity: "tenant", Key: "k"}, e.route(), time.Now(), time.Minute)
	for task, want := range map[string]time.Duration{TaskRun: RunTimeout, TaskRecord: RecordTimeout} {
		tk := map[string]*asynq.Task{TaskRun: run, TaskRecord: rec}[task]
		info, err := e.client.Enqueue(tk)
		if err != nil {
			t.Fatal(err)
		}
		if info.Timeout != want {
			t.Errorf("%s timeout %v, want %v", task, info.Timeout, want)
		}
	}
}
