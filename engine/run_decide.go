package engine

import (
	"context"
	"fmt"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// startFlow notes, before a flow's first page, whether the opposite
// direction left echo hashes (the loads of a flow without skip them).
func (r *run) startFlow(ctx context.Context, f *flow) error {
	echoes, err := r.state.HasEchoes(ctx, f.dir, f.entity)
	if err != nil {
		return fmt.Errorf("instance %q: start %s: %w", r.inst.ID, f.label(), err)
	}
	r.echoless[f] = !echoes
	return nil
}

// loadKnown loads what the state knows of the page's records (with the
// memos of their last writes) and their create intents, in one round trip.
func (r *run) loadKnown(ctx context.Context, f *flow, items []*item) error {
	live := liveItems(items)
	if len(live) == 0 {
		return nil
	}
	keys := make([]string, len(live))
	for i, it := range live {
		keys[i] = it.key
	}
	// Only creates leave intents (markIntents).
	known, err := r.state.LoadWith(ctx, f.dir, f.entity, keys, store.LoadOptions{Echoes: !r.echoless[f], Intents: f.dst.ent.Upsert == nil})
	if err != nil {
		return fmt.Errorf("instance %q: load the state of %s: %w", r.inst.ID, f.label(), err)
	}
	for i, it := range live {
		it.known, it.intent = known[i], known[i].Intent
	}
	return nil
}

// liveItems are the items with a key that are still to be decided.
func liveItems(items []*item) []*item {
	var out []*item
	for _, it := range items {
		if it.step == stepPending && it.key != "" {
			out = append(out, it)
		}
	}
	return out
}

// decide chooses each pending item's action.
func (r *run) decide(f *flow, items []*item) {
	for _, it := range items {
		if it.step != stepPending {
			continue
		}
		switch {
		case it.known.Hash == it.hash:
			it.skip(noteUnchanged)
		case it.known.Echo != "" && it.known.Echo == it.hash:
			r.decideEcho(f, it)
		default:
			r.decideWrite(f, it)
		}
	}
}

// decideEcho skips a record that reads back what the other direction
// wrote, and lets the state learn its hash so that the next run sees it
// unchanged.
func (r *run) decideEcho(f *flow, it *item) {
	it.skip(noteEcho)
	if it.id = r.targetID(f, it); it.id != "" {
		it.step = stepAdopt
	}
}

// decideWrite picks create or update, checks ownership and permission.
func (r *run) decideWrite(f *flow, it *item) {
	it.action = instance.Create
	if r.exists(f, it) {
		it.action = instance.Update
		if !f.owning() {
			it.step = stepConflict
			return
		}
	}
	if !r.inst.Permissions.Allows(f.dir, f.entity, it.action) {
		it.step = stepDenied
		return
	}
	it.step = stepWrite
}

// exists reports whether the destination has the record: on push, the id
// map knows its partner id; on pull, the run wrote it home before, or it
// is a record a push sent to the partner (its home key has a push echo).
// A record born on the partner, keyed by its own id, is new at home.
func (r *run) exists(f *flow, it *item) bool {
	if f.dir == instance.Push {
		return it.known.PartnerID != ""
	}
	return it.known.Hash != "" || it.known.PartnerID != "" || it.known.Echo != ""
}

// targetID is the partner's id of a record, which the state keeps for
// both directions: from the id map on push, from the object on pull.
func (r *run) targetID(f *flow, it *item) string {
	if f.dir == instance.Push {
		return it.known.PartnerID
	}
	return it.srcID
}
