package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// recordingNotifier keeps the run records it is told about.
type recordingNotifier struct {
	mu   sync.Mutex
	recs []queue.RunRecord
}

// Notify keeps rec.
func (n *recordingNotifier) Notify(_ context.Context, _ *instance.Instance, rec queue.RunRecord) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.recs = append(n.recs, rec)
	return nil
}

// told returns the records told so far.
func (n *recordingNotifier) told() []queue.RunRecord {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]queue.RunRecord(nil), n.recs...)
}

// TestQueueGuardedDeletesAndDeleteEvents runs an instance from the queue
// with a notifier. A full run whose deletes exceed the delete guard is
// partial, counts the deletes held back as guarded in its record (which
// the metrics count by outcome), audits them and notifies the
// organisation; a webhook's delete event then deletes its one record at
// once, guard or not.
func TestQueueGuardedDeletesAndDeleteEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := engine.NewQueueHarness(t, redistest.New(t), "upsert", 2, 2)
	inst := h.Instance()
	inst.Enabled = true
	e := newQueueEnv(t, h)
	engine.ApplyInstance(t, e.store, inst)
	notes := &recordingNotifier{}
	e.notifyingWorkers(t, h, notes)
	runs := func(n int) *queue.RunRecord { t.Helper(); return e.waitRuns(t, inst.ID, n) }
	e.enqueueRun(t, inst.ID)
	if rec := runs(1); rec.Outcome != queue.RunOK || len(notes.told()) != 0 {
		t.Fatalf("first run: %+v, notified %d times", rec, len(notes.told()))
	}

	// Three of four leases gone: far more than the guard's 10%.
	for _, id := range []string{"l1", "l2", "l3"} {
		h.DeleteLease(t, id)
	}
	enqueue(t, e, queue.NewRunTask, queue.RunPayload{Instance: inst.ID, Trigger: queue.TriggerManual, Full: true})
	rec := runs(2)
	if rec.Outcome != queue.RunPartial || rec.Guarded != 3 || guardedOf(rec, "tenant") != 3 {
		t.Errorf("guarded run record: %+v; want partial with 3 tenant deletes guarded", rec)
	}
	// The worker notifies after it has stored the run's record.
	waitFor(t, "the notification", func() bool { return len(notes.told()) > 0 })
	if told := notes.told(); len(told) != 1 || told[0].ID != rec.ID {
		t.Errorf("notified %+v; want the guarded run", told)
	}
	page, err := h.Engine().Audit(inst).Query(ctx, store.Query{Instance: inst.ID, Outcome: store.OutcomeGuarded})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].RunID != rec.ID || page.Entries[0].Entity != "tenant" {
		t.Errorf("guarded audit entries: %+v (%v); want one for the tenants of run %s", page.Entries, err, rec.ID)
	}

	// The home's webhook says l1 is deleted: it goes now, the other two wait.
	enqueue(t, e, func(p queue.RecordPayload, r queue.Route) (*asynq.Task, error) {
		return queue.NewRecordTask(p, r, time.Now(), time.Minute)
	},
		queue.RecordPayload{Instance: inst.ID, Direction: instance.Push, Entity: "tenant", Key: "l1", Action: string(specs.WebhookDelete)})
	if rec := runs(3); rec.Outcome != queue.RunOK || rec.Entities[0].Counts["deleted"] != 1 {
		t.Errorf("delete event record: %+v; want ok with one deleted", rec)
	}
	h.DropLease("l1")
	if d := h.PartnerDiff(); d != "" {
		t.Errorf("partner data after the delete event (-want +got):\n%s", d)
	}
}

// enqueue enqueues the task newTask makes of p on the env's queue.
func enqueue[P any](t *testing.T, e *queueEnv, newTask func(P, queue.Route) (*asynq.Task, error), p P) {
	t.Helper()
	task, err := newTask(p, e.route())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Enqueue(task); err != nil {
		t.Fatal(err)
	}
}

// guardedOf is the guarded count of a run record's push entity.
func guardedOf(rec *queue.RunRecord, entity string) int64 {
	for _, e := range rec.Entities {
		if e.Direction == instance.Push && e.Entity == entity {
			return e.Counts["guarded"]
		}
	}
	return -1
}
