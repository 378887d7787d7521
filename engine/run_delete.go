package engine

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/transforms"
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
}

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
			r.refuseDeletes(ctx, ds)
			continue
		}
		if err := r.deleteSet(ctx, ds); err != nil {
			return err
		}
	}
	return nil
}

// refuseDeletes reports deletes held back by the guard.
func (r *run) refuseDeletes(ctx context.Context, ds *deleteSet) {
	f := ds.f
	msg := fmt.Sprintf("delete guard: %d of %d known %s records (%.0f%%) are gone from the %s, more than the %.0f%% allowed; nothing was deleted. Check the source; if the deletes are right, run again with --allow-deletes",
		ds.found, ds.known, f.entity, 100*float64(ds.found)/float64(ds.known), sourceName(f.dir), 100*r.inst.Options.DeleteShare())
	r.sum.warn(f, "%s", msg)
	e := r.sum.entity(f)
	r.sum.mu.Lock()
	e.DeletesRefused += int64(ds.found)
	r.sum.mu.Unlock()
	if r.dry {
		r.plan.refused(f, ds.found, msg)
		return
	}
	entry := store.Entry{RunID: r.id, Organisation: r.inst.Organisation, Instance: r.inst.ID, Direction: f.dir,
		Entity: f.entity, Action: instance.Delete, Outcome: store.OutcomeDenied, Error: msg}
	if err := r.audit.Add(ctx, entry); err != nil {
		r.log.Warn("could not audit refused deletes", "flow", f.label(), "error", err)
	}
}

// deleteSet deletes one flow's gone records through a pipeline.
func (r *run) deleteSet(ctx context.Context, ds *deleteSet) error {
	f := ds.f
	rd := &reading{failed: map[string]bool{}}
	p := r.newPipeline(ctx, f, rd)
	for start := 0; start < len(ds.keys); start += ledgerChunk {
		items := r.deleteItems(f, ds.keys[start:min(start+ledgerChunk, len(ds.keys))])
		if r.dry {
			r.planPage(f, items)
			continue
		}
		if err := p.submit(items); err != nil {
			break
		}
	}
	return p.finish()
}

// deleteItems decides the deletes of known records: a delete in the
// direction that owns the entity, with permission; on the other side a
// conflict, after which both directions forget the record so that the
// owner writes it again.
func (r *run) deleteItems(f *flow, gone []store.Mapped) []*item {
	items := make([]*item, len(gone))
	for i, m := range gone {
		it := &item{key: m.Key, known: store.Known{Key: m.Key, PartnerID: m.PartnerID}, action: instance.Delete, id: m.PartnerID, srcID: m.PartnerID}
		switch {
		case !f.owning():
			it.step = stepConflict
		case f.dst.ent.Delete == nil:
			it.skip("no delete operation")
		case !r.inst.Permissions.Allows(f.dir, f.entity, instance.Delete):
			it.step = stepDenied
		default:
			it.step = stepWrite
		}
		items[i] = it
	}
	return items
}

// remove deletes one record from the destination: by partner id on
// push, by home key on pull. A record already gone counts as deleted.
func (r *run) remove(ctx context.Context, f *flow, it *item) (*connectors.Result, error) {
	id := it.key
	if f.dir == instance.Push {
		id = orDefault(it.known.PartnerID, it.key)
	}
	vars := opVars(transforms.Vars{varInstance: r.instVars}, it.key, id)
	res, err := f.dst.client.Delete(ctx, f.dst.name, connectors.Write{Key: it.key, Vars: vars})
	if err == nil && res != nil {
		it.gone = res.Gone
	}
	return res, err
}
