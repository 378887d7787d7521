package queue

import (
	"context"
	"reflect"
	"sync"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// EngineRunner runs the queue's jobs with an Engine. It loads each
// instance's specs and model from the content it was applied with
// (engine.OpenApplied), never from the disk, and keeps them until the
// stored instance or its documents change. A ledger
// retry is an incremental run (every run retries the failure ledger's
// records its listing did not return); a record job syncs the one record
// its event names, read with the source's get, and deletes it at the
// destination when the event is a delete; a reconciliation job runs
// engine.Reconcile. It is safe for
// concurrent use.
type EngineRunner struct {
	eng    *engine.Engine
	store  *instance.InstanceStore
	opts   specs.LoadOptions
	mu     sync.Mutex
	loaded map[string]*instance.Loaded
}

var _ Runner = (*EngineRunner)(nil)

// NewEngineRunner returns a runner that loads the applied documents of
// instances from store with opts.
func NewEngineRunner(e *engine.Engine, store *instance.InstanceStore, opts specs.LoadOptions) *EngineRunner {
	return &EngineRunner{eng: e, store: store, opts: opts, loaded: map[string]*instance.Loaded{}}
}

// RunJob runs job and returns the engine's summary.
func (r *EngineRunner) RunJob(ctx context.Context, job Job) (*engine.Summary, error) {
	l, err := r.load(ctx, job.Instance)
	if err != nil {
		return nil, err
	}
	if job.Reconcile {
		rec, err := r.eng.Reconcile(ctx, l, engine.ReconcileOptions{Entity: job.Entity, Repair: job.Repair, DeleteOverride: job.DeleteOverride, RunID: job.RunID})
		if rec == nil {
			return nil, err
		}
		return rec.Summary, err
	}
	opts := engine.RunOptions{RunID: job.RunID, Full: job.Full, DeleteOverride: job.DeleteOverride}
	if job.Record != nil {
		opts.Direction, opts.Entity = job.Record.Direction, job.Record.Entity
		if job.Record.Key != "" {
			opts.Keys = []string{job.Record.Key}
			opts.KeysDeleted = job.Record.Action == string(specs.WebhookDelete)
		}
	}
	return r.eng.Run(ctx, l, opts)
}

// load returns the loaded specs of inst, loading them when inst is new
// or changed (its documents included).
func (r *EngineRunner) load(ctx context.Context, inst *instance.Instance) (*instance.Loaded, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.loaded[inst.ID]; ok && reflect.DeepEqual(l.Instance, inst) {
		return l, nil
	}
	l, _, err := engine.OpenApplied(ctx, r.store, inst, r.opts)
	if err != nil {
		return nil, err
	}
	r.loaded[inst.ID] = l
	return l, nil
}

// countsOf turns a run's summary into counts per entity.
func countsOf(sum *engine.Summary) []EntityCounts {
	if sum == nil {
		return nil
	}
	out := make([]EntityCounts, 0, len(sum.Entities))
	for _, e := range sum.Entities {
		out = append(out, EntityCounts{Direction: e.Direction, Entity: e.Entity, Counts: map[string]int64{
			"read": e.Read, "created": e.Created, "updated": e.Updated, "deleted": e.Deleted, "skipped": e.Skipped,
			"denied": e.Denied, "failed": e.Failed, "conflicts": e.Conflicts, "guarded": e.Guarded,
			"divergent": e.Divergent, "adopted": e.Adopted}})
		if e.Drift > 0 {
			out[len(out)-1].Counts["drift"], out[len(out)-1].Counts["repaired"] = e.Drift, e.Repaired
		}
		if e.TextRepaired > 0 {
			out[len(out)-1].Counts["text-repaired"] = e.TextRepaired
		}
	}
	return out
}
