package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// report lists the drift of a flow: missing and differing home records
// with the write that repairs each (fix), unexpected partner records with
// the delete that repairs each (del), and every drift in order.
func (rc *reconciler) report(f *flow, home *homeSide, m *matching) (fix, del *repairSet, drift []*Drift) {
	fix, del = &repairSet{f: f}, &repairSet{f: f}
	paths := rc.listedPaths(f, writtenPaths(f), m)
	for _, key := range home.order {
		mp := home.recs[key]
		p := m.pairs[key]
		d := &Drift{Entity: f.entity, Key: key, Kind: DriftMissing}
		if p == nil {
			mp.src.known = store.Known{Key: key} // gone: a repair creates it anew
		} else {
			if p.fail != nil {
				rc.r.tally.sum.warn(f, "%s: cannot be compared: %s", key, mappingReason(p.fail, f.mask, "compare projection of the partner's record %s", p.id).text())
				rc.countFailed(f)
				continue
			}
			d.Kind, d.PartnerID = DriftDiffers, p.id
			d.Fields = fieldDrifts(f, paths, mp.payload, p.view)
			if old := mp.src.known.PartnerID; old != "" && old != p.id {
				// Found by its key under another id than the state's: an
				// update writes it there and the state learns the new id.
				d.Fields = append([]FieldDrift{{Field: idPath(f.dst.ent), Home: old, Partner: p.id}}, d.Fields...)
			}
			if len(d.Fields) == 0 {
				continue
			}
			mp.src.known.PartnerID = p.id // an update addresses the record found
		}
		drift = append(drift, d)
		rc.keep(fix, d, rc.writeRepair(f, d, mp))
	}
	for _, p := range m.unexpected {
		d := &Drift{Entity: f.entity, Key: p.key, Kind: DriftUnexpected, PartnerID: p.id}
		drift = append(drift, d)
		rc.keep(del, d, rc.deleteRepair(f, d, unexpectedKey(home, m.stateKeys[p], p)))
	}
	rc.countDrift(f, len(drift))
	return fix, del, drift
}

// listedPaths leaves out of the written paths those no listed partner
// record carries at all: a listing that selects a few fields (a GraphQL
// query of ids, say) says nothing of the others, and comparing them would
// report every record as drift that no repair can clear. It warns of
// them; a compare projection is taken as it is declared.
func (rc *reconciler) listedPaths(f *flow, paths []string, m *matching) []string {
	if paths == nil || f.dst.ent.Compare != nil {
		return paths
	}
	views := make([]map[string]any, 0, len(m.pairs)+len(m.unexpected))
	for _, p := range m.pairs {
		views = append(views, p.view)
	}
	for _, p := range m.unexpected {
		views = append(views, p.view)
	}
	if len(views) == 0 {
		return paths
	}
	var kept, unlisted []string
	for _, path := range paths {
		carried := false
		for _, v := range views {
			if _, ok := jsonvalue.Lookup(v, path); ok {
				carried = true
				break
			}
		}
		if carried {
			kept = append(kept, path)
		} else {
			unlisted = append(unlisted, path)
		}
	}
	if len(unlisted) > 0 {
		rc.r.tally.sum.warn(f, "the partner's listing of %s carries none of %s, so they are not compared; have the list operation return them, or declare a compare projection", f.dst.name, strings.Join(unlisted, ", "))
	}
	return kept
}

// unexpectedKey is the key an unexpected record is deleted by (a delete
// operation may address it by {{ key }}) and the state forgets it under:
// the home key the state knows for its id, else the key the partner
// holds it under, unless that key belongs to a home record (the record
// is a second copy, addressed by its id alone); else "@" and its id.
func unexpectedKey(home *homeSide, stateKey string, p *partnerRecord) string {
	switch {
	case stateKey != "" && home.recs[stateKey] == nil:
		return stateKey
	case p.key != "" && home.recs[p.key] == nil:
		return p.key
	}
	return "@" + p.id
}

// keep lists a drift in the result, up to the cap, and its repair in set
// when it is to be sent (or reported as denied).
func (rc *reconciler) keep(set *repairSet, d *Drift, dec decision) {
	if len(rc.out.Drift) < rc.opts.Records {
		rc.out.Drift = append(rc.out.Drift, d)
	} else {
		rc.out.More++
	}
	if dec.step == stepWrite || dec.step == stepDenied {
		set.decs = append(set.decs, dec)
		set.drift = append(set.drift, d)
	}
}

// writeRepair decides the write that repairs a missing or differing
// record: a create or an update of the home's payload, where the home
// owns what differs and the instance grants the action.
func (rc *reconciler) writeRepair(f *flow, d *Drift, mp *mapped) decision {
	dec := decision{m: mp, action: instance.Update}
	if d.Kind == DriftMissing {
		dec.action = instance.Create
	}
	d.Repair = string(dec.action)
	switch {
	case !homeOwnsAny(f, d, mp.payload):
		d.Repair, d.Error = "none", fmt.Sprintf("the partner owns %s; its values are left as they are", driftFieldNames(d))
		dec.skip("partner-owned")
	case f.writeOp(dec.action) == nil:
		d.Repair, d.Error = "none", fmt.Sprintf("the partner spec's entity %s has no %s operation", f.dst.name, dec.action)
		dec.skip("no operation")
	case !rc.r.inst.Permissions.Allows(f.dir, f.entity, dec.action):
		d.Error = deniedMessage(f, dec.action)
		dec.step = stepDenied
	default:
		dec.step = stepWrite
	}
	return dec
}

// homeOwnsAny reports whether the home owns a field a repair would
// restore: a differing field, or any field of a missing record.
func homeOwnsAny(f *flow, d *Drift, payload map[string]any) bool {
	if d.Kind == DriftMissing {
		return slices.ContainsFunc(slices.Collect(maps.Keys(payload)), f.homeOwns)
	}
	return slices.ContainsFunc(d.Fields, func(fd FieldDrift) bool { return f.homeOwns(firstSegment(fd.Field)) })
}

// driftFieldNames names the fields of a drift, or its entity's records.
func driftFieldNames(d *Drift) string {
	if len(d.Fields) == 0 {
		return "the " + d.Entity + " records"
	}
	names := make([]string, len(d.Fields))
	for i, fd := range d.Fields {
		names[i] = fd.Field
	}
	return strings.Join(names, ", ")
}

// deniedMessage says that the instance does not grant a repair.
func deniedMessage(f *flow, action instance.Action) string {
	return fmt.Sprintf("the instance does not grant %s %s %s; nothing was sent", f.dir, f.entity, action)
}

// deleteRepair decides the delete that repairs an unexpected record: only
// where the home owns the entity, the partner spec can delete and the
// instance grants deletes on push.
func (rc *reconciler) deleteRepair(f *flow, d *Drift, key string) decision {
	d.Repair = string(instance.Delete)
	if d.PartnerID == "" {
		d.Repair, d.Error = "none", fmt.Sprintf("the record has no id at %q to delete it by", idPath(f.dst.ent))
		return decision{step: stepSkip}
	}
	if !f.owning() {
		d.Repair, d.Error = "none", fmt.Sprintf("the partner owns %s; the record is left", f.entity)
		return decision{step: stepSkip}
	}
	dec := rc.r.stages.decide.deletes(f, []store.Mapped{{Key: key, PartnerID: d.PartnerID}})[0]
	switch dec.step {
	case stepSkip:
		d.Repair, d.Error = "none", fmt.Sprintf("the partner spec's entity %s has no delete operation", f.dst.name)
	case stepDenied:
		d.Error = deniedMessage(f, instance.Delete)
	}
	return dec
}

// guard holds back every delete of a flow's unexpected records when they
// are more than the instance's delete guard allows of the records the
// partner listed, unless the reconciliation overrides the guard.
func (rc *reconciler) guard(f *flow, del *repairSet, listed int) {
	n := 0
	for i := range del.decs {
		if del.decs[i].step == stepWrite {
			n++
		}
	}
	limit := rc.r.deleteLimit(int64(listed))
	if n == 0 || n <= limit {
		return
	}
	msg := fmt.Sprintf("delete guard: %d of the %d %s records the partner holds are unexpected, more than the %.0f%% allowed; nothing was deleted. Check them; if the deletes are right, reconcile again with --repair --allow-deletes",
		n, listed, f.entity, 100*rc.r.inst.Options.DeleteShare())
	sum := rc.r.tally.sum
	sum.warn(f, "%s", msg)
	e := sum.entity(f)
	sum.mu.Lock()
	e.Guarded += int64(n)
	sum.mu.Unlock()
	for i := range del.decs {
		if del.decs[i].step == stepWrite {
			del.drift[i].Error = "held back by the delete guard"
		}
	}
	del.decs, del.drift = nil, nil
}

// countDrift counts the drift of a flow.
func (rc *reconciler) countDrift(f *flow, n int) {
	sum := rc.r.tally.sum
	e := sum.entity(f)
	sum.mu.Lock()
	e.Drift += int64(n)
	sum.mu.Unlock()
}

// audit writes an entry per drifted record: outcome drift, its kind, the
// fields with both values (personal ones masked), and the repair.
func (rc *reconciler) audit(ctx context.Context, f *flow, drift []*Drift) error {
	c := rc.r.stages.commit
	for _, d := range drift {
		values := map[string]any{"kind": string(d.Kind), "repair": d.Repair}
		if d.PartnerID != "" {
			values["partnerId"] = d.PartnerID
		}
		if len(d.Fields) > 0 {
			fields := make(map[string]any, len(d.Fields))
			for _, fd := range d.Fields {
				fields[fd.Field] = map[string]any{"home": fd.Home, "partner": fd.Partner}
			}
			values["fields"] = fields
		}
		e := store.Entry{RunID: rc.r.id, Organisation: rc.r.inst.Organisation, Instance: rc.r.inst.ID, Direction: f.dir,
			Entity: f.entity, Key: orDefault(d.Key, "@"+d.PartnerID), Action: actionCompare, Outcome: OutcomeDrift, Error: d.Error, Values: values}
		if err := c.audit.Add(ctx, e); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	if err := c.audit.Flush(ctx); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// repair sends a flow's repairs through the write and commit stages, a
// page at a time.
func (rc *reconciler) repair(ctx context.Context, set *repairSet) error {
	if len(set.decs) == 0 {
		return nil
	}
	rc.mu.Lock()
	for i := range set.decs {
		rc.repairs[&set.decs[i]] = set.drift[i]
	}
	rc.mu.Unlock()
	p := rc.r.newPass(ctx, set.f, &reading{failed: map[string]bool{}})
	for start := 0; start < len(set.decs); start += ledgerChunk {
		if err := p.submit(set.decs[start:min(start+ledgerChunk, len(set.decs))]); err != nil {
			break
		}
	}
	return p.finish()
}

// committed notes the repairs of a committed page: the drift each one
// repaired, or why not.
func (rc *reconciler) committed(f *flow, outs []*outcome) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	repaired := 0
	for _, o := range outs {
		d := rc.repairs[o.d]
		switch {
		case d == nil:
		case o.step == stepWritten:
			d.Repaired, d.Error = true, ""
			repaired++
		case o.step == stepFailed:
			d.Error = o.fail.text()
		}
	}
	sum := rc.r.tally.sum
	e := sum.entity(f)
	sum.mu.Lock()
	e.Repaired += int64(repaired)
	sum.mu.Unlock()
}
