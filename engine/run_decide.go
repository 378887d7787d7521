package engine

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// Besides State, a run keeps a hash per direction and entity, next to
// State's written hash and under the same hash tag: the create intents
// (the payload hash of a create sent but not yet confirmed, for crash
// safety). The memo of each write (see memo; for plans, audit entries and
// skipping unchanged inputs) goes with its hash in the state.

// legacyMemoKey is where versions before memos moved into the state kept
// them; a run drops it (startFlow).
func (r *run) legacyMemoKey(f *flow) string {
	return r.eng.cfg.Keys.Written(r.inst.ID, string(f.dir), f.entity) + ":memo"
}

// startFlow does, in one round trip, what a flow needs before its first
// page: it notes whether the opposite direction left echo hashes (the
// loads of a flow without skip them), and unless the run is a plan it
// drops the memo hash of earlier versions; the records it served are
// mapped once more and get their memos back in the state
// (Batch.Renewed), without writing to the target. A run also moves the
// flow's ids out of the id map of earlier versions (State.MigrateIDs).
func (r *run) startFlow(ctx context.Context, f *flow) error {
	pipe := r.eng.cfg.Redis.Pipeline()
	if !r.dry {
		pipe.Unlink(ctx, r.legacyMemoKey(f))
	}
	echoes := r.state.QueueHasEchoes(ctx, pipe, f.dir, f.entity)
	idMap := r.state.QueueFindIDMap(ctx, pipe, f.dir, f.entity)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("instance %q: start %s: %w", r.inst.ID, f.label(), err)
	}
	r.echoless[f] = echoes.Val() == 0
	if old, _ := idMap(); old && !r.dry { // Exec reported any error
		return r.state.MigrateIDs(ctx, f.dir, f.entity)
	}
	return nil
}

// intentsKey is the key of the create intents of f.
func (r *run) intentsKey(f *flow) string {
	return r.eng.cfg.Keys.Written(r.inst.ID, string(f.dir), f.entity) + ":intent"
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
	pipe := r.eng.cfg.Redis.Pipeline()
	fields := store.Boxed(keys)
	fill, err := r.state.QueueLoad(ctx, pipe, f.dir, f.entity, keys, fields, !r.echoless[f])
	if err != nil {
		return err
	}
	var intents *redis.StringSliceCmd
	if f.dst.ent.Upsert == nil { // only creates leave intents (markIntents)
		intents = store.Hmget(ctx, pipe, r.intentsKey(f), fields)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("instance %q: load the state of %s: %w", r.inst.ID, f.label(), err)
	}
	fill(func(i int, k store.Known) { live[i].known = k })
	if intents != nil {
		for i, it := range live {
			it.intent = intents.Val()[i]
		}
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
