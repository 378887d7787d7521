package engine_test

import (
	"testing"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/redistest"
)

// TestQueueReconcileReportsAndRepairsDrift reconciles a push-only
// instance from the queue after a unit was edited by hand at the partner:
// the reconciliation without repair is partial, counts the drift in its
// record and notifies the organisation; the one with repair restores the
// unit and is ok.
func TestQueueReconcileReportsAndRepairsDrift(t *testing.T) {
	t.Parallel()
	h := engine.NewQueueHarness(t, redistest.New(t), "upsert", 1, 3)
	inst := h.Instance()
	inst.Enabled = true
	delete(inst.Permissions, instance.Pull)
	e := newQueueEnv(t, h)
	engine.ApplyInstance(t, e.store, inst)
	notes := &recordingNotifier{}
	e.notifyingWorkers(t, h, notes)
	runs := func(n int) *queue.RunRecord { t.Helper(); return e.waitRuns(t, inst.ID, n) }
	e.enqueueRun(t, inst.ID)
	if rec := runs(1); rec.Outcome != queue.RunOK {
		t.Fatalf("first run: %+v", rec)
	}

	h.EditPartnerUnit("u2", map[string]any{"number": "7.7"})
	enqueue(t, e, queue.NewReconcileTask, queue.RunPayload{Instance: inst.ID, Trigger: queue.TriggerManual})
	rec := runs(2)
	if rec.Task != queue.TaskReconcile || rec.Outcome != queue.RunPartial || rec.Drift != 1 || rec.Repaired != 0 {
		t.Errorf("reconcile record: %+v; want partial with one drift", rec)
	}
	// The task ends after its record is written: wait for its notification
	// and for the queue to drain before the next task of the same id.
	waitFor(t, "the notification", func() bool { return len(notes.told()) > 0 })
	if told := notes.told(); len(told) != 1 || told[0].ID != rec.ID {
		t.Errorf("notified %+v; want the reconciliation", told)
	}
	waitFor(t, "the queue to drain", e.drained)

	enqueue(t, e, queue.NewReconcileTask, queue.RunPayload{Instance: inst.ID, Trigger: queue.TriggerManual, Repair: true})
	if rec := runs(3); rec.Outcome != queue.RunOK || rec.Drift != 1 || rec.Repaired != 1 {
		t.Errorf("repairing reconcile record: %+v; want ok with one drift repaired", rec)
	}
	if d := h.PartnerDiff(); d != "" {
		t.Errorf("partner data after the repair (-want +got):\n%s", d)
	}
	if told := notes.told(); len(told) != 1 {
		t.Errorf("notified %d times; want only the unrepaired drift", len(told))
	}
}
