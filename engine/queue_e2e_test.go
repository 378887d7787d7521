package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

func TestQueueRunsTheEngineForRunsAndRecords(t *testing.T) {
	t.Parallel()
	queueRunsTheEngine(t, redistest.New(t))
}

// TestQueueRunsTheEngineOnRedisCluster is the same on a Redis Cluster:
// the queue, the worker's locks, the instance store and the instance's
// state each keep to one slot.
func TestQueueRunsTheEngineOnRedisCluster(t *testing.T) {
	t.Parallel()
	queueRunsTheEngine(t, redistest.NewCluster(t))
}

// queueRunsTheEngine queues a run of an instance and then the sync of one
// record, and checks what the partner holds after each.
func queueRunsTheEngine(t *testing.T, srv *redistest.Server) {
	ctx := context.Background()
	h := engine.NewQueueHarness(t, srv, "upsert", 2, 2)
	inst := h.Instance()
	e := newQueueEnv(t, h)
	inst.Enabled = true
	engine.ApplyInstance(t, e.store, inst)
	workers := e.server(t, e.worker(t, queue.NewEngineRunner(h.Engine(), e.store, specs.LoadOptions{}), nil), 2)
	defer workers.Shutdown()

	e.enqueueRun(t, inst.ID)
	waitFor(t, "the run", func() bool { rec, _ := e.history.Last(ctx, inst.ID); return rec != nil })
	if rec, _ := e.history.Last(ctx, inst.ID); rec.Outcome != queue.RunOK || rec.Error != "" {
		t.Fatalf("run record: %+v", rec)
	}
	if d := h.PartnerDiff(); d != "" {
		t.Fatalf("partner data after the queued run (-want +got):\n%s", d)
	}

	h.Advance(time.Hour)
	h.SetUnitArea(t, 1, "99.5")
	task, err := queue.NewRecordTask(queue.RecordPayload{Instance: inst.ID, Direction: instance.Push, Entity: "unit", Key: "u2", Action: "upsert"}, e.route(), time.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Enqueue(task); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the record sync", func() bool { recs, _ := e.history.List(ctx, inst.ID, 0, 0); return len(recs) == 2 })
	last, _ := e.history.Last(ctx, inst.ID)
	if last.Task != queue.TaskRecord || last.Outcome != queue.RunOK || len(last.Entities) != 1 || last.Entities[0].Counts["updated"] != 1 {
		t.Errorf("record sync record: %+v", last)
	}
	if d := h.PartnerDiff(); d != "" {
		t.Errorf("partner data after the record sync (-want +got):\n%s", d)
	}
}
