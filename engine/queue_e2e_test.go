package engine

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

func TestQueueRunsTheEngineForRunsAndRecords(t *testing.T) {
	queueRunsTheEngine(t, redistest.New(t))
}

// TestQueueRunsTheEngineOnRedisCluster is the same on a Redis Cluster:
// the queue, the worker's locks, the instance store and the instance's
// state each keep to one slot.
func TestQueueRunsTheEngineOnRedisCluster(t *testing.T) {
	queueRunsTheEngine(t, redistest.NewCluster(t))
}

// queueRunsTheEngine queues a run of an instance and then the sync of one
// record, and checks what the partner holds after each.
func queueRunsTheEngine(t *testing.T, srv *redistest.Server) {
	ctx := context.Background()
	h := newHarnessOn(t, srv, "upsert")
	data := newHomeData(2, 2)
	h.seedHome(data)
	e := newQueueEnvOn(t, h.rdb, h.ns)
	h.inst.Enabled = true
	if _, err := e.store.Apply(ctx, h.inst); err != nil {
		t.Fatal(err)
	}
	workers := e.server(t, e.worker(t, NewEngineRunner(h.eng, specs.LoadOptions{}), nil), 2)
	defer workers.Shutdown()

	e.enqueueRun(t, h.inst.ID)
	waitFor(t, "the run", func() bool { rec, _ := e.history.Last(ctx, h.inst.ID); return rec != nil })
	if rec, _ := e.history.Last(ctx, h.inst.ID); rec.Outcome != RunOK || rec.Error != "" {
		t.Fatalf("run record: %+v", rec)
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Fatalf("partner data after the queued run (-want +got):\n%s", d)
	}

	h.clock.Advance(time.Hour)
	u2 := data.units[1]
	u2["area"] = json.Number("99.5")
	put(t, h.homeURL, "/units/u2", u2)
	task, err := NewRecordTask(RecordPayload{Instance: h.inst.ID, Direction: Push, Entity: "unit", Key: "u2", Action: "upsert"}, e.queue, time.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Enqueue(task); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the record sync", func() bool { recs, _ := e.history.List(ctx, h.inst.ID, 0, 0); return len(recs) == 2 })
	last, _ := e.history.Last(ctx, h.inst.ID)
	if last.Task != TaskRecord || last.Outcome != RunOK || len(last.Entities) != 1 || last.Entities[0].Counts["updated"] != 1 {
		t.Errorf("record sync record: %+v", last)
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data after the record sync (-want +got):\n%s", d)
	}
}
