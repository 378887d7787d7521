package engine_test

import (
	"strings"
	"testing"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/nettest"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// A queued run whose partner listens nowhere (a closed port) is failed in
// the run history, and its record says the partner could not be reached;
// it is not partial.
func TestQueueRecordsAnUnreachablePartnerAsFailed(t *testing.T) {
	t.Parallel()
	h := engine.NewQueueHarness(t, redistest.New(t), "upsert", 1, 1)
	inst := h.Instance()
	inst.Partner.BaseURL = nettest.ClosedURL(t)
	inst.Enabled = true
	e := newQueueEnv(t, h)
	engine.ApplyInstance(t, e.store, inst)
	workers := e.server(t, e.worker(t, queue.NewEngineRunner(h.Engine(), e.store, specs.LoadOptions{}), nil), 1)
	defer workers.Shutdown()
	e.enqueueRun(t, inst.ID)
	rec := e.waitRuns(t, inst.ID, 1)
	if rec.Outcome != queue.RunFailed || !strings.Contains(rec.Error, "could not be reached") || rec.Trigger != queue.TriggerManual {
		t.Errorf("run record: %+v; want failed, the partner not reached, trigger manual", rec)
	}
}
