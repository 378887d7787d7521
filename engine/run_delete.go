package engine

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// deleteSet is what a complete full read of a flow found gone from its
// source: the known records it did not return.
type deleteSet struct {
	f       *flow
	known   int64
	found   int
	keys    []store.Mapped
	refused bool
	limit   int
	picked  map[string]bool
	sample  []string // the first keys found gone, for the audit entry
}

// guardSample is how many of the keys gone an audit entry of guarded
// deletes names.
const guardSample = 10

// findDeletes compares the id map of a flow with the keys a complete full
// read returned. When more records are gone than the delete guard allows
// (and the run has no override), none is deleted.
func (r *run) findDeletes(ctx context.Context, f *flow, rd *reading) error {
	if f.dst.ent.Delete == nil && f.owning() {
		return nil
	}
	known, err := r.state.Count(ctx, f.dir, f.entity)
	if err != nil || known == 0 {
		return err
	}
	rd.sortSeen()
	ds := &deleteSet{f: f, known: known, limit: r.deleteLimit(known), picked: map[string]bool{}}
	err = r.state.Scan(ctx, f.dir, f.entity, func(page []store.Mapped) error {
		ds.collect(rd, page)
		return nil
	})
	if err != nil || ds.found == 0 {
		return err
	}
	r.deletes = append(r.deletes, ds)
	return nil
}

// collect takes the known records of a scan page that the read did not
// return. Past the limit it only counts them (a key the scan repeats may
// then count twice), so that memory stays small however many are gone.
func (ds *deleteSet) collect(rd *reading, page []store.Mapped) {
	for _, m := range page {
		if rd.wasSeen(m.Key) || ds.picked[m.Key] {
			continue
		}
		ds.found++
		if len(ds.sample) < guardSample {
			ds.sample = append(ds.sample, m.Key)
		}
		if ds.found > ds.limit {
			ds.refused, ds.keys, ds.picked = true, nil, map[string]bool{}
		}
		if !ds.refused {
			ds.picked[m.Key] = true
			ds.keys = append(ds.keys, m)
		}
	}
}

// deleteLimit is how many of known records a run may delete.
func (r *run) deleteLimit(known int64) int {
	if r.opts.DeleteOverride {
		return math.MaxInt
	}
	return int(math.Floor(r.inst.Options.DeleteShare()*float64(known) + 1e-9))
}

// runDeletes carries out the deletes a direction found, in reverse
// dependency order.
func (r *run) runDeletes(ctx context.Context, dir instance.Direction) error {
	sets := slices.Clone(r.deletes)
	slices.Reverse(sets)
	for _, ds := range sets {
		if ds.f.dir != dir {
			continue
		}
		if ds.refused {
			r.guardDeletes(ctx, ds)
			continue
		}
		if err := r.deleteSet(ctx, ds); err != nil {
			return err
		}
	}
	return nil
}

// guardDeletes reports deletes held back by the guard: a warning, the
// entity's guarded count (which makes the run partial) and one audit
// entry for the entity.
func (r *run) guardDeletes(ctx context.Context, ds *deleteSet) {
	f := ds.f
	msg := fmt.Sprintf("delete guard: %d of %d known %s records (%.0f%%) are gone from the %s, more than the %.0f%% allowed; nothing was deleted. Check the source; if the deletes are right, run again with --allow-deletes",
		ds.found, ds.known, f.entity, 100*float64(ds.found)/float64(ds.known), sourceName(f.dir), 100*r.inst.Options.DeleteShare())
	sum := r.tally.sum
	sum.warn(f, "%s", msg)
	e := sum.entity(f)
	sum.mu.Lock()
	e.Guarded += int64(ds.found)
	sum.mu.Unlock()
	if r.dry {
		r.tally.plan.refused(f, ds.found, msg)
		return
	}
	r.stages.commit.guarded(ctx, f, ds, msg)
}

// deleteSet deletes one flow's gone records through a pipeline.
func (r *run) deleteSet(ctx context.Context, ds *deleteSet) error {
	f := ds.f
	rd := &reading{failed: map[string]bool{}}
	p := r.newPass(ctx, f, rd)
	for start := 0; start < len(ds.keys); start += ledgerChunk {
		decs := r.stages.decide.deletes(f, ds.keys[start:min(start+ledgerChunk, len(ds.keys))])
		if r.dry {
			r.tally.planPage(f, decs)
			continue
		}
		if err := p.submit(decs); err != nil {
			break
		}
	}
	return p.finish()
}
