package engine

import (
	"context"
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// syncDeletedKeys handles a delete event for the records named by
// RunOptions.Keys: each record the source no longer has is deleted at
// the destination now, with ownership and permission checked as after a
// full read, and its state and id map entries go with it. The delete
// guard does not apply to named records. A record the source still has
// (the event is stale, or it came back) is synced like any other; without
// a get operation the event is taken at its word.
func (r *run) syncDeletedKeys(ctx context.Context, f *flow) error {
	rd := &reading{started: r.cfg.Clock.Now()}
	p := r.newPass(ctx, f, rd)
	objs, gone := []map[string]any(nil), r.opts.Keys
	if f.src.ent.Get != nil {
		var err error
		if objs, gone, _, err = r.fetchKeys(ctx, f, r.opts.Keys); err != nil {
			p.abort(err)
			return p.finish()
		}
	}
	r.clearGone(ctx, f, gone)
	if err := r.deleteNamed(ctx, f, p, gone); err != nil {
		p.abort(err)
	} else if len(objs) > 0 {
		if err := r.processPage(ctx, f, rd, p, objs); err != nil {
			p.abort(err)
		}
	}
	return p.finish()
}

// deleteNamed decides and hands on the deletes of the named records the
// state knows in the flow's direction; a record it does not know was
// never written there and needs no delete.
func (r *run) deleteNamed(ctx context.Context, f *flow, p *pass, keys []string) error {
	known, err := r.knownNamed(ctx, f, keys)
	if err != nil || len(known) == 0 {
		return err
	}
	decs := r.stages.decide.deletes(f, known)
	r.tally.read(f, len(decs))
	if r.dry {
		r.tally.planPage(f, decs)
		return nil
	}
	return p.submit(decs)
}

// knownNamed finds the records of named keys in the flow's state. On
// push a key is a home key; on pull it is the partner's id ("@" and the
// id, as the ledger writes it, or bare) or a home key, and a record only
// a push wrote counts too: a partner that deletes a record the home owns
// is a conflict, after which the next push writes it again.
func (r *run) knownNamed(ctx context.Context, f *flow, keys []string) ([]store.Mapped, error) {
	homeKeys, err := r.namedHomeKeys(ctx, f, keys)
	if err != nil {
		return nil, err
	}
	known, err := r.state.LoadWith(ctx, f.dir, f.entity, homeKeys, store.LoadOptions{})
	if err != nil {
		return nil, err
	}
	pushed := make([]string, len(homeKeys))
	if f.dir == instance.Pull {
		if pushed, err = r.state.PartnerIDs(ctx, instance.Push, f.entity, homeKeys); err != nil {
			return nil, err
		}
	}
	var out []store.Mapped
	for i, k := range known {
		if id := orDefault(k.PartnerID, pushed[i]); k.Hash != "" || id != "" {
			out = append(out, store.Mapped{Key: k.Key, PartnerID: id})
		}
	}
	return out, nil
}

// namedHomeKeys are the home keys of named keys: the keys themselves on
// push; on pull the home key the id maps give a partner id, else the key.
func (r *run) namedHomeKeys(ctx context.Context, f *flow, keys []string) ([]string, error) {
	if f.dir == instance.Push {
		return keys, nil
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = strings.TrimPrefix(k, "@")
	}
	homeKeys, err := r.state.HomeKeysIn(ctx, f.entity, ids, instance.Pull, instance.Push)
	if err != nil {
		return nil, err
	}
	for i := range homeKeys {
		homeKeys[i] = orDefault(homeKeys[i], ids[i])
	}
	return homeKeys, nil
}
