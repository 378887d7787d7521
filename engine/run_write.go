package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/transforms"
)

// write sends one record to the destination and notes the outcome on the
// item. Only a failure that stops the run is returned.
func (r *run) write(ctx context.Context, f *flow, it *item) error {
	start := time.Now()
	res, err := r.send(ctx, f, it)
	it.took = time.Since(start)
	if err == nil {
		err = r.confirmed(f, it, res)
	}
	if err == nil {
		it.step = stepWritten
		return nil
	}
	it.failErr(failCode(err), err)
	switch connectors.Classify(err) {
	case connectors.RetryNow:
		it.retry = true
	case connectors.GiveUp:
		return fmt.Errorf("%s %q: %w", f.label(), it.key, err)
	}
	return nil
}

// send writes the item with the operation its action calls for.
func (r *run) send(ctx context.Context, f *flow, it *item) (*connectors.Result, error) {
	if it.action == instance.Delete {
		return r.remove(ctx, f, it)
	}
	w := r.request(f, it, r.targetWriteID(f, it))
	c, name := f.dst.client, f.dst.name
	switch {
	case it.action == instance.Update && f.dst.ent.Update != nil:
		return c.Update(ctx, name, w)
	case it.action == instance.Create && it.key == "" && f.dst.ent.Create != nil:
		// A record born in the partner: the home system gives it its key.
		return r.create(ctx, f, it, w)
	case f.dst.ent.Upsert != nil:
		return c.Upsert(ctx, name, w)
	case it.action == instance.Update:
		return nil, fmt.Errorf("%s has no update or upsert operation", f.dst.name)
	}
	return r.create(ctx, f, it, w)
}

// targetWriteID is the id an update addresses: the partner id on push,
// the home key on pull.
func (r *run) targetWriteID(f *flow, it *item) string {
	if f.dir == instance.Push {
		return it.known.PartnerID
	}
	return it.key
}

// request builds the connectors' write of an item. Its variables are
// those its payload was mapped with, and the operation's key and id.
func (r *run) request(f *flow, it *item, id string) connectors.Write {
	vars := r.itemVars(f, it)
	setOpVars(vars, it.key, id)
	return connectors.Write{Key: it.key, Body: it.payload, Vars: vars, Hash: it.hash, OnlyID: f.onlyID}
}

// itemVars are the template variables of an item's write mapping, made
// once for the mapping and its requests.
func (r *run) itemVars(f *flow, it *item) transforms.Vars {
	if it.vars == nil {
		it.vars = writeVars(f.model, it.rec, it.inc, it.ids, r.instVars)
	}
	return it.vars
}

// create sends a create to a system without upsert. A create that may
// have been sent before (an intent is left, or the record failed before)
// looks the record up by key first when the entity has a lookup; without
// one, the idempotency key of the first attempt is used again, so the
// system can tell the repeat.
func (r *run) create(ctx context.Context, f *flow, it *item, w connectors.Write) (*connectors.Result, error) {
	c, name := f.dst.client, f.dst.name
	if it.intent != "" && f.dst.ent.Lookup != nil && it.key != "" {
		obj, err := c.Lookup(ctx, name, it.key, w.Vars)
		if err == nil {
			return r.adopt(ctx, f, it, obj)
		}
		if !errors.Is(err, connectors.ErrNotFound) {
			return nil, err
		}
	}
	w.Hash = orDefault(it.intent, it.hash)
	res, err := c.Create(ctx, name, w)
	if err != nil || w.Hash == it.hash || f.dst.ent.Update == nil {
		return res, err
	}
	return r.refresh(ctx, f, it, res)
}

// adopt takes over a record a lost create left in the destination; it is
// updated when the payload changed since.
func (r *run) adopt(ctx context.Context, f *flow, it *item, obj map[string]any) (*connectors.Result, error) {
	res := &connectors.Result{ID: textAt(obj, idPath(f.dst.ent)), Object: obj, Value: obj, Existing: true}
	if it.intent == it.hash || f.dst.ent.Update == nil {
		return res, nil
	}
	return r.refresh(ctx, f, it, res)
}

// refresh updates a record just found or created with an older payload.
func (r *run) refresh(ctx context.Context, f *flow, it *item, res *connectors.Result) (*connectors.Result, error) {
	id := orDefault(res.ID, it.key)
	up, err := f.dst.client.Update(ctx, f.dst.name, r.request(f, it, id))
	if err != nil {
		return nil, err
	}
	up.ID = orDefault(up.ID, id)
	return up, nil
}

// confirmed notes the destination's id, and on pull the key of a record
// the home system created.
func (r *run) confirmed(f *flow, it *item, res *connectors.Result) error {
	if res == nil {
		res = &connectors.Result{}
	}
	it.res, it.status = res, res.Status
	it.id = orDefault(res.ID, textAt(res.Object, idPath(f.dst.ent)))
	if f.dir == instance.Push {
		it.id = orDefault(it.id, it.known.PartnerID)
		return nil
	}
	if it.key == "" {
		it.key = orDefault(textAt(res.Object, f.dst.ent.Key), it.id)
	}
	if it.key == "" {
		return fmt.Errorf("the home system's answer to the create carries no key at %q nor an id; the record cannot be tracked", f.dst.ent.Key)
	}
	return nil
}
