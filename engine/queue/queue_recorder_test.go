package queue

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
)

// Every task the worker handles is in the run history with its task and
// trigger: a scheduled run, the ledger retry, a manual reconciliation and
// a webhook's record sync (with its event).
func TestEveryTaskIsRecordedWithItsTrigger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newQueueEnv(t)
	e.apply(t, true, "inst")
	srv := e.server(t, e.worker(t, newFakeRunner(0), nil), 1)
	defer srv.Shutdown()
	p := RunPayload{Instance: "inst"}
	run, _ := NewRunTask(RunPayload{Instance: "inst", Trigger: TriggerSchedule}, e.route())
	retry, _ := NewRetryTask(p, e.route())
	rec, _ := NewReconcileTask(RunPayload{Instance: "inst", Trigger: TriggerManual}, e.route())
	hook, _ := NewRecordTask(RecordPayload{Instance: "inst", Direction: instance.Push, Entity: "tenant", Key: "t1", Action: "upsert", Event: "tenant.updated"}, e.route(), time.Now(), time.Minute)
	for _, task := range []*asynq.Task{run, retry, rec, hook} {
		before, _ := e.history.List(ctx, "inst", 0, 0)
		if _, err := e.client.Enqueue(task); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the task's record", func() bool { recs, _ := e.history.List(ctx, "inst", 0, 0); return len(recs) == len(before)+1 })
	}
	recs, err := e.history.List(ctx, "inst", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct{ Task, Trigger, Event, Outcome string }
	var got []seen
	for _, r := range recs {
		got = append(got, seen{r.Task, r.Trigger, r.Event, r.Outcome})
		if r.Duration() <= 0 || r.ID == "" {
			t.Errorf("record %+v: want an id and a duration", r)
		}
	}
	want := []seen{{TaskRecord, TriggerWebhook, "tenant.updated", RunOK}, {TaskReconcile, TriggerManual, "", RunOK},
		{TaskRetry, TriggerRetry, "", RunOK}, {TaskRun, TriggerSchedule, "", RunOK}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("run history (-want +got):\n%s", d)
	}
}

// Finish names the outcome from the engine's summary: ok, partial when a
// record failed, failed when a system could not be reached or the run
// could not start; the failed run's record says why.
func TestRecordingFinishOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newQueueEnv(t)
	r := NewRecorder(e.history, RecorderConfig{})
	row := func(failed int64) []*engine.EntitySummary {
		return []*engine.EntitySummary{{Direction: instance.Push, Entity: "tenant", Read: 2, Created: 2 - failed, Failed: failed}}
	}
	cases := []struct {
		name    string
		sum     *engine.Summary
		err     error
		outcome string
		why     string
	}{
		{name: "ok", sum: &engine.Summary{Entities: row(0)}, outcome: RunOK},
		{name: "partial", sum: &engine.Summary{Entities: row(1)}, outcome: RunPartial},
		{name: "unreachable", sum: &engine.Summary{Entities: row(2), Unreachable: []string{"casavi could not be reached: connection refused"}}, outcome: RunFailed, why: "casavi could not be reached: connection refused"},
		{name: "could not start", err: errors.New("instance \"inst\": no entity \"flat\""), outcome: RunFailed, why: "instance \"inst\": no entity \"flat\""},
	}
	for _, tc := range cases {
		run, err := r.Begin(ctx, RunRecord{Instance: "inst", Task: TaskRun, Trigger: TriggerCLI})
		if err != nil {
			t.Fatal(err)
		}
		if active, _ := e.history.Active(ctx, "inst"); active == nil || active.ID != run.ID() || active.Outcome != RunActive {
			t.Errorf("%s: run in progress %+v; want %s running", tc.name, active, run.ID())
		}
		rec, err := run.Finish(ctx, tc.sum, tc.err)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Outcome != tc.outcome || rec.Error != tc.why {
			t.Errorf("%s: outcome %q, error %q; want %q, %q", tc.name, rec.Outcome, rec.Error, tc.outcome, tc.why)
		}
		if last, _ := e.history.Last(ctx, "inst"); last == nil || last.ID != run.ID() || last.Outcome != tc.outcome {
			t.Errorf("%s: History.Last = %+v; want the finished run", tc.name, last)
		}
	}
}
