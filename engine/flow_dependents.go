package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// dependentsBatch is how many dependents of changed included records are
// compared, read and mapped as one page.
const dependentsBatch = 100

// syncDependents maps again, after an incremental read, the records whose
// last payload was built from an included record that changed since the
// flow's cursor, and writes those whose payload changed. For each include
// it lists the home system's changed records of the included model
// entity (with the flow's cursor, whether or not that entity is
// synchronised as a flow of its own), looks their dependents up in the
// dependency index a batch at a time, and reads again, with the source's
// get, each dependent whose index entry holds another version of the
// included record and that this read has not listed or mapped already.
// A full read maps every record anyway and skips it. A listing or read
// that fails leaves the flow's cursor where it was, so that the next run
// looks again.
func (r *run) syncDependents(ctx context.Context, f *flow, rd *reading, p *pass) {
	if rd.full || len(f.includes) == 0 || p.err() != nil {
		return
	}
	if f.src.ent.Get == nil {
		r.tally.sum.warn(f, "the payloads of %s are built from included records, but the source spec's entity %q has no get operation to read a record again with when one of them changes; such records are sent at the next full read", f.entity, f.src.name)
		return
	}
	for _, inc := range f.includes {
		// What this read listed or mapped again already, also for an
		// earlier include (a plan commits nothing in between).
		listed := rd.listed()
		if err := r.includeChanges(ctx, f, rd, p, inc, listed); err != nil {
			p.abort(err)
			return
		}
		if p.pool != nil {
			p.drain() // the next include compares with what this one committed
		}
	}
}

// includeChanges takes the changed home records of one include through
// their dependents. Only an error that stops the run is returned.
func (r *run) includeChanges(ctx context.Context, f *flow, rd *reading, p *pass, inc *include, listed []uint64) error {
	name, e := homeEntity(r.l.Home, inc.model, inc.model)
	if e == nil || e.List == nil {
		r.tally.sum.warn(f, "the payloads of %s include %s records, but the home spec has no entity of model %q with a list operation to find their changes with; records whose %s changed are sent at the next full read", f.entity, inc.model, inc.model, inc.model)
		return nil
	}
	h, err := r.stages.read.homeReader(inc.model)
	if err != nil {
		r.tally.sum.warn(f, "finding changed %s records: %v", inc.model, err)
		return nil
	}
	for page, err := range r.stages.read.home.List(ctx, name, listSince(f, rd.since)) {
		if err != nil {
			rd.complete = false
			return r.listFailed(f, fmt.Errorf("listing the changed %s records its payloads include: %w", inc.model, err))
		}
		current := r.includeVersions(inc.model, e.Key, h, page)
		err := r.state.Dependents(ctx, f.dir, f.entity, inc.model, mapKeys(current), dependentsBatch, func(deps []store.Dependent) error {
			var stale []string
			for _, d := range deps {
				if _, seen := slices.BinarySearch(listed, keyHash(d.Key)); !seen && d.Hash != current[d.Included] {
					stale = append(stale, d.Key)
				}
			}
			return r.remap(ctx, f, rd, p, stale)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// includeVersions reads a page of an included entity's home records and
// returns the hash of each by key; the records go into the run's cache,
// so that the dependents mapped again use them. A record whose text is
// not clean is left out unless the instance takes it repaired.
func (r *run) includeVersions(model, keyPath string, h *homeReader, page *connectors.Page) map[string]string {
	out := make(map[string]string, len(page.Records))
	strict := r.inst.Options.InvalidTextMode() != instance.InvalidTextReplace
	for i, obj := range page.Records {
		if strict && len(page.Flaws[i]) > 0 {
			continue // the dependents that include it fail when they read it
		}
		key := jsonvalue.TextAt(obj, keyPath)
		rec, err := applyRead(r.job, h.read, h.name, obj)
		if key == "" || err != nil {
			continue // the dependents that include it fail when they read it
		}
		out[key] = includeHash(rec)
		r.stages.read.cache.put(model, key, rec)
	}
	return out
}

// mapKeys returns the keys of m.
func mapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// remap reads the records of keys again from the source and takes them
// through the stages like a listed page. A record the source no longer
// has is left to the next full read's deletes; a record that cannot be
// read now leaves the flow's cursor where it was.
func (r *run) remap(ctx context.Context, f *flow, rd *reading, p *pass, keys []string) error {
	if len(keys) == 0 {
		return p.err()
	}
	objs, _, missed, err := r.fetchKeys(ctx, f, keys)
	if err != nil {
		return err
	}
	if missed > 0 {
		rd.complete = false
		r.tally.sum.warn(f, "%d records of %s whose included records changed could not be read again; the next run tries again", missed, f.entity)
	}
	if len(objs) == 0 {
		return nil
	}
	return r.processPage(ctx, f, rd, p, objs)
}
