package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/transforms"
)

// queueDepth is how many writes may wait for a worker: enough for a whole
// page, so the driver prepares the next page while the workers send this
// one instead of leaving them idle in between.
const queueDepth = 1024

// outcome is what the write stage makes of a decision: the destination's
// answer to its write, or why the write failed. A decision that writes
// nothing keeps its step. The key is the record's home key, which a
// pull's create learns from the home system's answer.
type outcome struct {
	d      *decision
	step   step
	key    string
	intent string // payload hash of a create sent but not yet confirmed
	fail   *failure
	retry  bool // a transient failure: tried again later in the flow
	status int  // of the answer that settled the write, or of the failure
	took   time.Duration
	res    *connectors.Result
	id     string // the target's id after the write
	gone   bool   // a delete found the record already gone
	// adopted is set for a record found at the partner (by the match step
	// or a lookup) and taken over instead of created; updated when its
	// values differed (differs) and the payload was written over them.
	adopted bool
	updated bool
	differs []string
}

// writeStage is the fourth stage of a run: it records the intents of
// creates, then sends each write to the destination, on a pool of
// workers per flow (writePool). It is safe for concurrent use; each
// outcome is written by one worker at a time.
type writeStage struct {
	*job
	state   *store.State
	workers int
}

// outcomes starts the outcomes of a page's decisions.
func (w *writeStage) outcomes(f *flow, decs []decision) []outcome {
	out := make([]outcome, len(decs))
	for i := range decs {
		d := &decs[i]
		out[i] = outcome{d: d, step: d.step, key: d.m.src.key, intent: d.m.src.known.Intent, fail: d.fail, id: d.id}
		out[i].decidedAdoption()
		if d.fail != nil {
			out[i].status = d.fail.status
		}
	}
	return out
}

// needsIntent reports whether o is a create without an intent.
func (o *outcome) needsIntent() bool {
	return o.step == stepWrite && o.d.action == instance.Create && o.key != "" && o.intent == ""
}

// write sends one record to the destination and notes the outcome. Only
// a failure that stops the run is returned.
func (w *writeStage) write(ctx context.Context, f *flow, o *outcome) error {
	start := time.Now()
	res, err := w.send(ctx, f, o)
	o.took = time.Since(start)
	if err == nil {
		err = w.confirmed(f, o, res)
	}
	if err == nil {
		o.step = stepWritten
		return nil
	}
	switch {
	case connectors.Classify(err) == connectors.GiveUp:
		// A fault of the run, not of the record (credentials refused, an
		// outbound URL refused): the run stops, and the record, kept out
		// of the ledger, is read again by the next run.
		o.failWith(CodeAborted, err)
		return fmt.Errorf("%s %q: %w", f.label(), o.key, err)
	case ctx.Err() != nil && !errors.Is(err, connectors.ErrMaybeWritten):
		// Cut short because the flow is stopping, not refused.
		o.failWith(CodeAborted, err)
		return nil
	}
	o.failWith(failCode(err), err)
	o.retry = connectors.Classify(err) == connectors.RetryNow
	return nil
}

// failWith fails the write with an error, noting an HTTP status.
func (o *outcome) failWith(code FailureCode, err error) {
	o.step, o.fail = stepFailed, errReason(code, err)
	if o.fail.status != 0 {
		o.status = o.fail.status
	}
}

// again readies a transient failure for its second attempt.
func (o *outcome) again() {
	o.step, o.fail, o.retry, o.status = stepWrite, nil, false, 0
	o.decidedAdoption()
}

// decidedAdoption sets the adoption as the decision has it; a lookup may
// find one later, when the write is sent.
func (o *outcome) decidedAdoption() {
	d := o.d
	o.adopted, o.updated, o.differs = d.adopted, d.adopted && d.action == instance.Update, d.differs
}

// send writes the record with the operation its action calls for.
func (w *writeStage) send(ctx context.Context, f *flow, o *outcome) (*connectors.Result, error) {
	action := o.d.action
	if action == instance.Delete {
		return w.remove(ctx, f, o)
	}
	req := w.request(f, o, w.targetWriteID(f, o), action == instance.Update)
	c, name := f.dst.client, f.dst.name
	switch {
	case action == instance.Update && f.dst.ent.Update != nil:
		return c.Update(ctx, name, req)
	case action == instance.Create && o.key == "" && f.dst.ent.Create != nil:
		// A record born in the partner: the home system gives it its key.
		return w.create(ctx, f, o, req)
	case f.dst.ent.Upsert != nil:
		return c.Upsert(ctx, name, req)
	case action == instance.Update:
		return nil, fmt.Errorf("%s has no update or upsert operation", f.dst.name)
	}
	return w.create(ctx, f, o, req)
}

// targetWriteID is the id an update addresses: the partner id on push,
// the home key on pull.
func (w *writeStage) targetWriteID(f *flow, o *outcome) string {
	if f.dir == instance.Push {
		return orDefault(o.d.m.src.known.PartnerID, o.d.id)
	}
	return o.key
}

// request builds the connectors' write of a record. Its variables are
// those its payload was mapped with, and the operation's key and id. The
// body of an update of a record the destination holds leaves out the
// fields the destination owns.
func (w *writeStage) request(f *flow, o *outcome, id string, update bool) connectors.Write {
	m := o.d.m
	vars := m.vars
	if vars == nil {
		vars = writeVars(f.model, m.src.rec, m.src.inc, m.src.ids, w.vars)
	}
	setOpVars(vars, o.key, id)
	body := m.body()
	if update {
		body = f.updateBody(body)
	}
	return connectors.Write{Key: o.key, Body: body, Vars: vars, Hash: m.hash, OnlyID: f.onlyID}
}

// create sends a create to a system without upsert. When the entity has
// a lookup, the record is looked up by key first: one that is there
// already (left by a lost create, or put there before the integration)
// is adopted instead. An entity with a match step has its records matched
// before, in bulk, and is not looked up. Without a lookup, a create that
// may have been sent before (an intent is left) uses the idempotency key
// of the first attempt again, so the system can tell the repeat.
func (w *writeStage) create(ctx context.Context, f *flow, o *outcome, req connectors.Write) (*connectors.Result, error) {
	c, name, hash := f.dst.client, f.dst.name, o.d.m.hash
	if looksUp(f) && o.key != "" {
		obj, err := c.Lookup(ctx, name, o.key, req.Vars)
		if err == nil {
			return w.adopt(ctx, f, o, obj)
		}
		if !errors.Is(err, connectors.ErrNotFound) {
			return nil, err
		}
	}
	req.Hash = orDefault(o.intent, hash)
	res, err := c.Create(ctx, name, req)
	if err != nil && alreadyExists(err) {
		return w.existing(ctx, f, o, req, err)
	}
	if err == nil {
		res, err = w.createdID(ctx, f, o, req, res)
	}
	if err != nil || req.Hash == hash || f.dst.ent.Update == nil {
		return res, err
	}
	return w.refresh(ctx, f, o, res)
}

// createdID makes sure a create's result carries the new record's id
// where the entity declares one the system assigns: an answer without it
// (an empty 201) leaves the record at the partner with no id to update or
// delete it by, so the lookup finds it; without a lookup the result stays
// as it is.
func (w *writeStage) createdID(ctx context.Context, f *flow, o *outcome, req connectors.Write, res *connectors.Result) (*connectors.Result, error) {
	ent := f.dst.ent
	if ent.ID == "" || ent.Lookup == nil || o.key == "" || res == nil ||
		orDefault(res.ID, jsonvalue.TextAt(res.Object, ent.ID)) != "" {
		return res, nil
	}
	obj, err := f.dst.client.Lookup(ctx, f.dst.name, o.key, req.Vars)
	if err != nil {
		return nil, fmt.Errorf("the create's answer carries no id at %q, and the lookup of the created record failed: %w", ent.ID, err)
	}
	id := jsonvalue.TextAt(obj, ent.ID)
	if id == "" {
		return nil, fmt.Errorf("the create's answer carries no id at %q, nor does the record the lookup found", ent.ID)
	}
	out := *res
	out.ID = id
	return &out, nil
}

// existing adopts the record a create was refused for because it exists
// already (a 409, or an answer that says so), found by the entity's
// lookup; without a lookup the create fails, saying why.
func (w *writeStage) existing(ctx context.Context, f *flow, o *outcome, req connectors.Write, cause error) (*connectors.Result, error) {
	if f.dst.ent.Lookup == nil || o.key == "" {
		return nil, fmt.Errorf("%s answered that the record already exists, and the entity has no lookup to find it by its key, "+
			"so it is neither created nor adopted: give the entity a lookup (or a match step), or remove the record there: %w", f.dst.name, cause)
	}
	obj, err := f.dst.client.Lookup(ctx, f.dst.name, o.key, req.Vars)
	switch {
	case err == nil:
		return w.adopt(ctx, f, o, obj)
	case errors.Is(err, connectors.ErrNotFound):
		return nil, fmt.Errorf("%s answered that the record already exists, but its lookup by the key %q finds none: "+
			"check which field the system finds the duplicate by: %w", f.dst.name, o.key, cause)
	}
	return nil, err
}

// alreadyExists reports whether a create was refused because the record
// exists: a 409, or a 400 or 422 (or a GraphQL error) saying so.
func alreadyExists(err error) bool {
	var he *connectors.HTTPError
	if errors.As(err, &he) {
		switch he.Status {
		case http.StatusConflict:
			return true
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
			return saysExists(he.Body)
		}
		return false
	}
	var ge *connectors.GraphQLError
	return errors.As(err, &ge) && saysExists(ge.Error())
}

// saysExists reports whether an answer says that a record exists already.
func saysExists(text string) bool {
	text = strings.ToLower(text)
	return strings.Contains(text, "already exist") || strings.Contains(text, "duplicate")
}

// looksUp reports whether a flow's creates look their record up first:
// the destination entity has a lookup, and no match step found its
// records before.
func looksUp(f *flow) bool {
	return f.dst.ent.Lookup != nil && !f.matches
}

// adopt takes over a record the lookup found in the destination: its
// values, projected onto the payload's fields, are compared with the
// payload, and it is updated only where they differ, the flow owns the
// entity and the instance grants the update.
func (w *writeStage) adopt(ctx context.Context, f *flow, o *outcome, obj map[string]any) (*connectors.Result, error) {
	res := &connectors.Result{ID: jsonvalue.TextAt(obj, idPath(f.dst.ent)), Object: obj, Value: obj, Existing: true}
	o.adopted = true
	if p := o.d.m.payload; p != nil {
		o.differs = differingFields(p, projectWritten(obj, p))
	} else {
		o.differs = []string{"*"}
	}
	if len(o.differs) == 0 || f.dst.ent.Update == nil || !f.owning() || !w.inst.Permissions.Allows(f.dir, f.entity, instance.Update) {
		return res, nil
	}
	o.updated = true
	return w.refresh(ctx, f, o, res)
}

// refresh updates a record just found or created with an older payload.
func (w *writeStage) refresh(ctx context.Context, f *flow, o *outcome, res *connectors.Result) (*connectors.Result, error) {
	id := orDefault(res.ID, o.key)
	up, err := f.dst.client.Update(ctx, f.dst.name, w.request(f, o, id, true))
	if err != nil {
		return nil, err
	}
	up.ID = orDefault(up.ID, id)
	return up, nil
}

// remove deletes one record from the destination: by partner id on
// push, by home key on pull. A record already gone counts as deleted.
func (w *writeStage) remove(ctx context.Context, f *flow, o *outcome) (*connectors.Result, error) {
	id := o.key
	if f.dir == instance.Push {
		id = orDefault(o.d.m.src.known.PartnerID, o.key)
	}
	vars := opVars(transforms.Vars{varInstance: w.vars}, o.key, id)
	res, err := f.dst.client.Delete(ctx, f.dst.name, connectors.Write{Key: o.key, Vars: vars})
	if err == nil && res != nil {
		o.gone = res.Gone
	}
	return res, err
}

// confirmed notes the destination's id, and on pull the key of a record
// the home system created.
func (w *writeStage) confirmed(f *flow, o *outcome, res *connectors.Result) error {
	if res == nil {
		res = &connectors.Result{}
	}
	o.res, o.status = res, res.Status
	o.id = orDefault(res.ID, jsonvalue.TextAt(res.Object, idPath(f.dst.ent)))
	if f.dir == instance.Push {
		o.id = cmp.Or(o.id, o.d.m.src.known.PartnerID, o.d.id)
		return nil
	}
	if o.key == "" {
		o.key = orDefault(jsonvalue.TextAt(res.Object, f.dst.ent.Key), o.id)
	}
	if o.key == "" {
		return fmt.Errorf("the home system's answer to the create carries no key at %q nor an id; the record cannot be tracked", f.dst.ent.Key)
	}
	return nil
}

// task is one write of a batch.
type task struct {
	o *outcome
	b *batch
}

// writePool is a flow's pool of workers: each sends the writes it takes
// from the queue until the pool shuts down.
type writePool struct {
	stage    *writeStage
	ctx      context.Context
	f        *flow
	confirms *confirmWriter
	abort    func(error) // stops the flow
	tasks    chan task
}

// pool returns the write pool of a flow, which hands the answers of
// creates to confirms; start starts it.
func (w *writeStage) pool(ctx context.Context, f *flow, confirms *confirmWriter, abort func(error)) *writePool {
	return &writePool{stage: w, ctx: ctx, f: f, confirms: confirms, abort: abort, tasks: make(chan task, queueDepth)}
}

// start starts the workers.
func (p *writePool) start(wg *sync.WaitGroup) {
	for range p.stage.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range p.tasks {
				p.work(t)
			}
		}()
	}
}

// shutdown lets the workers end once the queued writes are sent.
func (p *writePool) shutdown() { close(p.tasks) }

// queue hands one write to the workers, unless the flow is stopping.
func (p *writePool) queue(ctx context.Context, t task) {
	select {
	case p.tasks <- t:
	case <-ctx.Done():
		t.o.failWith(CodeAborted, ctx.Err())
		t.b.wg.Done()
	}
}

// work sends one write.
func (p *writePool) work(t task) {
	if err := p.ctx.Err(); err != nil {
		// Queued before the flow stopped: not sent.
		t.o.failWith(CodeAborted, err)
	} else if err := p.markIntent(t.o); err != nil {
		t.o.failWith(CodeAborted, err)
		p.abort(err)
	} else if err := p.stage.write(p.ctx, p.f, t.o); err != nil {
		p.abort(err)
	} else if o := t.o; o.step == stepWritten && o.intent != "" && o.key != "" {
		// Recorded before the page is committed: a run killed in between
		// finds the record created instead of creating it again.
		hash, memo := writtenMemo(o.d.m)
		p.confirms.confirm(store.Confirmation{Direction: p.f.dir, Entity: p.f.entity, Key: o.key, PartnerID: partnerID(p.f, o), Hash: hash, Memo: memo})
	}
	t.b.wg.Done()
}

// markIntent records, just before it is sent, the intent of a create a
// crash could leave unanswered, unless one is left already: the target
// cannot upsert it.
func (p *writePool) markIntent(o *outcome) error {
	if p.f.dst.ent.Upsert != nil || !o.needsIntent() {
		return nil
	}
	c := store.Confirmation{Direction: p.f.dir, Entity: p.f.entity, Key: o.key, Hash: o.d.m.hash}
	if err := p.confirms.mark(p.ctx, c); err != nil {
		return fmt.Errorf("instance %q: record the create intent of %s %q: %w", p.stage.inst.ID, p.f.label(), o.key, err)
	}
	o.intent = o.d.m.hash
	return nil
}
