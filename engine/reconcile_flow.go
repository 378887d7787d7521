package engine

import (
	"context"
	"slices"
	"sync"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// actionCompare is the action of a drift's audit entry: a comparison,
// not a write (the repair has entries of its own).
const actionCompare instance.Action = "compare"

// reconciler drives one reconciliation through the stages of a run: the
// read and map stages make the home's payloads, the write and commit
// stages carry out the repairs. It keeps, per entity, the home's payloads
// and the partner's records while it compares them, so its memory grows
// with the entity's records.
type reconciler struct {
	r       *run
	opts    ReconcileOptions
	out     *Reconciliation
	mu      sync.Mutex // guards out.Drift and repairs once writes run
	repairs map[*decision]*Drift
	deletes []*repairSet // unexpected records to delete, in flow order
}

// repairSet is the repairs of one flow, with the drift each repairs.
type repairSet struct {
	f     *flow
	decs  []decision
	drift []*Drift
}

// newReconciler prepares the reconciliation of a run.
func newReconciler(r *run, opts ReconcileOptions) *reconciler {
	opts.Records = orDefault(opts.Records, 1000)
	rc := &reconciler{r: r, opts: opts, out: &Reconciliation{Summary: r.tally.sum, Drift: []*Drift{}}, repairs: map[*decision]*Drift{}}
	r.tally.committed = rc.committed
	return rc
}

// all reconciles the selected pushed entities in dependency order, then
// deletes the unexpected records in reverse order.
func (rc *reconciler) all(ctx context.Context) error {
	for _, f := range rc.r.flows {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.dir == instance.Push && selected(rc.r.job, f) {
			if err := rc.flow(ctx, f); err != nil {
				return err
			}
		}
	}
	for _, set := range slices.Backward(rc.deletes) {
		if err := rc.repair(ctx, set); err != nil {
			return err
		}
	}
	return nil
}

// flow compares one entity and repairs its drift when asked.
func (rc *reconciler) flow(ctx context.Context, f *flow) error {
	r := rc.r
	if f.dst.ent.List == nil {
		r.tally.sum.warn(f, "the partner spec's entity %s has no list operation, so its records cannot be compared", f.dst.name)
		return nil
	}
	if err := r.stages.read.startFlow(ctx, f); err != nil {
		return err
	}
	home, err := rc.listHome(ctx, f)
	if err != nil || home == nil {
		return err
	}
	r.tally.sum.entity(f).Full = true
	found, err := rc.listPartner(ctx, f)
	if err != nil || found == nil {
		return err
	}
	m, err := rc.match(ctx, f, home, found)
	if err != nil {
		return err
	}
	fix, del, drift := rc.report(f, home, m)
	if rc.opts.Repair {
		rc.guard(f, del, len(found))
	}
	if err := rc.audit(ctx, f, drift); err != nil {
		return err
	}
	if !rc.opts.Repair {
		return nil
	}
	rc.deletes = append(rc.deletes, del)
	return rc.repair(ctx, fix)
}

// homeSide is what the home's listing of an entity gave: the payload of
// every record the partner should hold, by key, in listing order.
type homeSide struct {
	recs  map[string]*mapped
	order []string
	byID  map[string]string // partner id the state knows -> key
	other map[string]bool   // keys read, but not to compare: filtered or failed
}

// listHome lists the home records of a flow and maps each through the
// run's read and map stages; nil when the listing did not complete.
func (rc *reconciler) listHome(ctx context.Context, f *flow) (*homeSide, error) {
	r := rc.r
	hs := &homeSide{recs: map[string]*mapped{}, byID: map[string]string{}, other: map[string]bool{}}
	complete := false
	for page, err := range f.src.client.List(ctx, f.src.name, f.list) {
		if err != nil {
			return nil, r.listFailed(f, err)
		}
		src, err := r.stages.read.page(ctx, f, page.Records, page.Flaws)
		if err != nil {
			return nil, err
		}
		r.tally.read(f, len(src))
		for i := range src {
			rc.addHome(f, hs, &src[i])
		}
		complete = complete || page.Complete
	}
	if !complete {
		return nil, ctx.Err()
	}
	return hs, nil
}

// addHome maps one home record and keeps its payload.
func (rc *reconciler) addHome(f *flow, hs *homeSide, s *source) {
	if s.key == "" || hs.recs[s.key] != nil || hs.other[s.key] {
		return // no key (counted as failed by a sync), or listed again
	}
	mp := &mapped{src: s, input: inputHash(f, s)}
	if s.fail == nil {
		rc.r.stages.mapper.apply(f, mp)
	}
	switch fail := cmp2(s.fail, mp.fail); {
	case fail != nil:
		hs.other[s.key] = true
		rc.r.tally.sum.warn(f, "%s: cannot be compared: %s", s.key, fail.text())
		rc.countFailed(f)
	case mp.note != "":
		hs.other[s.key] = true
	default:
		hs.recs[s.key] = mp
		hs.order = append(hs.order, s.key)
		if s.known.PartnerID != "" {
			hs.byID[s.known.PartnerID] = s.key
		}
	}
}

// cmp2 returns the first non-nil failure.
func cmp2(a, b *failure) *failure {
	if a != nil {
		return a
	}
	return b
}

// countFailed counts a record that could not be compared.
func (rc *reconciler) countFailed(f *flow) {
	sum := rc.r.tally.sum
	e := sum.entity(f)
	sum.mu.Lock()
	e.Failed++
	sum.mu.Unlock()
}

// partnerRecord is one record of the partner's listing: its id, the key
// in its key field, and what is compared (the object, or its compare
// projection); fail says why it cannot be compared.
type partnerRecord struct {
	id, key string
	view    map[string]any
	fail    error
}

// listPartner lists the partner's records of a flow, with the key each
// carries in its key field; nil when the listing did not complete.
func (rc *reconciler) listPartner(ctx context.Context, f *flow) ([]partnerRecord, error) {
	out := []partnerRecord{}
	complete := false
	for page, err := range f.dst.client.List(ctx, f.dst.name, f.list) {
		if err != nil {
			return nil, rc.r.listFailed(f, err)
		}
		for _, obj := range page.Records {
			p := partnerRecord{id: jsonvalue.TextAt(obj, idPath(f.dst.ent)), key: jsonvalue.TextAt(obj, f.dst.ent.Key), view: obj}
			if f.compare != nil {
				p.view, p.fail = f.compare.Apply(readVars(f.dst.name, obj, rc.r.vars))
			}
			out = append(out, p)
		}
		complete = complete || page.Complete
	}
	if !complete {
		return nil, ctx.Err()
	}
	return out, nil
}

// matching pairs the partner's records with home keys.
type matching struct {
	pairs      map[string]*partnerRecord // home key -> its partner record
	unexpected []*partnerRecord
	stateKeys  map[*partnerRecord]string // home key the state knows, of unexpected records
}

// match pairs each partner record with a home record: first by the
// partner id the state knows for the home key, then, for the records
// left, by the key field (a record the id map does not know, or one the
// partner holds under a new id). A second partner record of one home key
// is unexpected (a duplicate).
func (rc *reconciler) match(ctx context.Context, f *flow, home *homeSide, found []partnerRecord) (*matching, error) {
	ids := make([]string, len(found))
	for i := range found {
		ids[i] = found[i].id
	}
	known, err := rc.r.state.HomeKeys(ctx, instance.Push, f.entity, nonEmpty(ids))
	if err != nil {
		return nil, err
	}
	m := &matching{pairs: map[string]*partnerRecord{}, stateKeys: map[*partnerRecord]string{}}
	var rest []*partnerRecord
	for i := range found {
		p := &found[i]
		if p.id != "" {
			m.stateKeys[p], known = known[0], known[1:]
		}
		if key := home.byID[p.id]; key != "" && p.id != "" && m.pairs[key] == nil {
			m.pairs[key] = p
			continue
		}
		rest = append(rest, p)
	}
	for _, p := range rest {
		switch {
		case home.recs[p.key] != nil && m.pairs[p.key] == nil:
			m.pairs[p.key] = p
		case home.other[orDefault(m.stateKeys[p], p.key)]:
			// the home has it, but does not write it (filtered) or could not map it
		default:
			m.unexpected = append(m.unexpected, p)
		}
	}
	return m, nil
}
