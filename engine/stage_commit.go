package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// conflictHash replaces the written hash of the owning direction after a
// conflict, so that its next run writes the owner's value again.
const conflictHash = "conflict"

// OutcomeConflict: a change on the side that does not own the entity; it
// was not written, and the owner's value is written again.
const OutcomeConflict store.Outcome = "conflict"

// commitStage is the last stage of a run: once all writes of a page are
// answered, it records the page's outcomes: the state of confirmed writes
// with their echoes and memos, the create intents they settle, the
// failure ledger, the audit log and the summary. Pages are committed one
// at a time, in order (committer).
type commitStage struct {
	*job
	state  *store.State
	ledger *store.Ledger
	audit  *store.Auditor
	echoes echoer
	tally  *tally
}

// newCommitStage builds the commit stage of a run.
func newCommitStage(e *Engine, r *run, echoes echoer) *commitStage {
	audit := store.NewAudit(r.cfg.Redis, r.cfg.Keys, e.auditConfig(r.inst, personalFields(r.l))).NewAuditor()
	return &commitStage{job: r.job, state: r.state, ledger: r.ledger, audit: audit, echoes: echoes, tally: r.tally}
}

// page commits the outcomes of a page.
func (c *commitStage) page(ctx context.Context, f *flow, rd *reading, outs []*outcome) error {
	echoes, err := c.echoes.of(ctx, f, outs)
	if err != nil {
		return err
	}
	if err := c.commitState(ctx, f, rd, outs, echoes); err != nil {
		return err
	}
	if err := c.settle(ctx, f, outs); err != nil {
		return err
	}
	if err := c.commitLedger(ctx, f, rd, outs); err != nil {
		return err
	}
	if err := c.auditPage(ctx, f, outs); err != nil {
		return err
	}
	c.tally.count(f, outs)
	c.tally.report(f)
	return nil
}

// commitState stores confirmed writes and adopted hashes with their
// memos, renews the memos of records mapped again to their last payload,
// and after a conflict makes the owning direction write again. echoes
// are the echo hashes of the outcomes, if any.
func (c *commitStage) commitState(ctx context.Context, f *flow, rd *reading, outs []*outcome, echoes []echo) error {
	own := store.Batch{Direction: f.dir, Entity: f.entity, Written: make([]store.Written, 0, len(outs))}
	other := store.Batch{Direction: f.dir.Opposite(), Entity: f.entity}
	for i, o := range outs {
		m := o.d.m
		known := &m.src.known
		switch {
		case o.d.action == instance.Delete && (o.step == stepWritten || o.step == stepConflict):
			own.Deleted = append(own.Deleted, store.Deleted{Key: o.key, PartnerID: known.PartnerID})
			other.Deleted = append(other.Deleted, store.Deleted{Key: o.key})
		case o.step == stepWritten:
			hash, memo := writtenMemo(m)
			ec := echoAt(echoes, i)
			own.Written = append(own.Written, store.Written{Key: o.key, PartnerID: partnerID(f, o), Hash: hash, Echo: ec.hash, Memo: memo})
			own.Depends = dependsOf(f, own.Depends, o.key, m.src)
			if f.dir == instance.Pull && o.d.action == instance.Create {
				rd.seenKey(o.key)
				other.Written = append(other.Written, store.Written{Key: o.key, PartnerID: m.src.srcID})
			}
			switch {
			case len(o.d.conflicts) > 0:
				other.Written = append(other.Written, store.Written{Key: o.key, PartnerID: conflictID(f, m.src), Hash: conflictHash})
			case partialUpdate(f, o) && ec.hash != "":
				// The opposite direction compares its next read with the
				// record as written: a change of a field the destination
				// owns is then told from this write.
				other.Renewed = append(other.Renewed, store.Written{Key: o.key, PartnerID: partnerID(f, o), Hash: ec.hash, Memo: ec.memo})
			}
		case o.step == stepAdopt:
			own.Written = append(own.Written, store.Written{Key: o.key, PartnerID: o.id, Hash: m.hash, Memo: memoOf(m)})
			own.Depends = dependsOf(f, own.Depends, o.key, m.src)
		case o.step == stepConflict:
			if len(o.d.conflicts) > 0 {
				// Only fields the other side owns changed: the payload is
				// known, so that the change is reported once.
				own.Written = append(own.Written, store.Written{Key: o.key, PartnerID: conflictID(f, m.src), Hash: m.hash, Memo: memoOf(m)})
			}
			other.Written = append(other.Written, store.Written{Key: o.key, PartnerID: conflictID(f, m.src), Hash: conflictHash})
		case o.d.note == noteUnchanged && !m.recalled && m.input != "":
			// Mapped again to the same payload: keep the inputs, so that the
			// next run need not map it.
			own.Renewed = append(own.Renewed, store.Written{Key: o.key, PartnerID: known.PartnerID, Hash: m.hash, At: known.WrittenAt, Memo: memoOf(m)})
			own.Depends = dependsOf(f, own.Depends, o.key, m.src)
		}
	}
	for _, b := range []store.Batch{own, other} {
		if len(b.Written)+len(b.Deleted)+len(b.Renewed)+len(b.Depends) > 0 {
			if err := c.state.Commit(ctx, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// dependsOf appends to deps the included records a record's payload was
// built from, for the dependency index; a flow without includes keeps
// none.
func dependsOf(f *flow, deps []store.Depends, key string, s *source) []store.Depends {
	if len(f.includes) == 0 || len(s.incKeys) != len(f.includes) {
		return deps
	}
	d := store.Depends{Key: key, Includes: make([]store.Include, len(f.includes))}
	for j, inc := range f.includes {
		d.Includes[j] = store.Include{Model: inc.model, Key: s.incKeys[j], Hash: includeHash(s.inc[inc.name])}
	}
	return append(deps, d)
}

// echoAt is the echo of outcome i; empty without echoes.
func echoAt(echoes []echo, i int) echo {
	if echoes == nil {
		return echo{}
	}
	return echoes[i]
}

// partnerID is the partner's id of a written record, which the state
// keeps for both directions.
func partnerID(f *flow, o *outcome) string {
	if f.dir == instance.Pull {
		return o.d.m.src.srcID
	}
	return o.id
}

// conflictID is the partner id under which the other direction knows a
// conflicting record.
func conflictID(f *flow, s *source) string {
	if f.dir == instance.Pull {
		return s.srcID
	}
	return s.known.PartnerID
}

// memoOf is the memo of a record's write, kept with its hash in the state.
func memoOf(m *mapped) string {
	return memo{input: m.input, payload: m.hash, prints: m.prints}.encode()
}

// settle clears the create intents that writes settle and those of
// deleted records, and drops the echo of conflicting records so that the
// owner's value is not taken for an echo.
func (c *commitStage) settle(ctx context.Context, f *flow, outs []*outcome) error {
	var settled, conflicts []string
	for _, o := range outs {
		switch {
		case o.d.action == instance.Delete:
			if o.step == stepWritten || o.step == stepConflict {
				settled = append(settled, o.key) // intents are not loaded for deletes
			}
		case o.step == stepWritten || o.step == stepAdopt:
			if o.intent != "" {
				settled = append(settled, o.key)
			}
			if len(o.d.conflicts) > 0 {
				conflicts = append(conflicts, o.key)
			}
		case o.step == stepConflict:
			conflicts = append(conflicts, o.key)
		}
	}
	if err := c.state.Settle(ctx, f.dir, f.entity, settled, conflicts); err != nil {
		return fmt.Errorf("instance %q: settle the intents of %s: %w", c.inst.ID, f.label(), err)
	}
	return nil
}

// ledgerKey is the ledger's key of a record: its home key, or for a
// partner record without one "@" and the partner's id.
func ledgerKey(key string, s *source) string {
	if key == "" && s.srcID != "" {
		return "@" + s.srcID
	}
	return key
}

// commitLedger records failures and clears the ledger entries of records
// that went through.
func (c *commitStage) commitLedger(ctx context.Context, f *flow, rd *reading, outs []*outcome) error {
	var failed []store.Failed
	var cleared []string
	for _, o := range outs {
		key := ledgerKey(o.key, o.d.m.src)
		switch {
		case key == "":
		case o.step == stepFailed && o.fail.code != CodeAborted:
			failed = append(failed, store.Failed{Key: key, Reason: o.fail.reason(), RunID: c.id})
		case o.step != stepFailed && o.step != stepDenied && rd.inLedger(key):
			cleared = append(cleared, key)
		}
	}
	if len(failed) > 0 {
		if err := c.ledger.Fail(ctx, f.dir, f.entity, failed...); err != nil {
			return err
		}
	}
	return c.ledger.Clear(ctx, f.dir, f.entity, cleared...)
}

// auditPage writes an audit entry per action tried on a page: writes,
// failures, denials and conflicts. Skipped records are only counted. The
// entries go out together as soon as the page is committed.
func (c *commitStage) auditPage(ctx context.Context, f *flow, outs []*outcome) error {
	if c.dry {
		return nil
	}
	for _, o := range outs {
		e, ok := c.entry(f, o)
		if !ok {
			continue
		}
		if err := c.audit.Add(ctx, e); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		if o.step != stepWritten || len(o.d.conflicts) == 0 {
			continue
		}
		if err := c.audit.Add(ctx, fieldConflictEntry(f, o, e)); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	if err := c.audit.Flush(ctx); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// entry is the audit entry of an outcome; false for outcomes not audited.
func (c *commitStage) entry(f *flow, o *outcome) (store.Entry, bool) {
	d := o.d
	e := store.Entry{RunID: c.id, Organisation: c.inst.Organisation, Instance: c.inst.ID,
		Direction: f.dir, Entity: f.entity, Key: ledgerKey(o.key, d.m.src), Action: actionOf(d.action), Duration: o.took, HTTPStatus: o.status}
	if o.adopted {
		e.Action = actionAdopt
		if o.step == stepWritten || o.step == stepAdopt {
			e.Outcome, e.Values = store.OutcomeAdopted, adoptedValues(f, o)
			return e, true
		}
	}
	switch o.step {
	case stepWritten:
		e.Outcome = store.OutcomeOK
		if d.action == instance.Update {
			e.Values = sentValues(f, d)
		}
		if d.divergent() {
			e.Outcome, e.Error = OutcomeDivergent, divergentMessage(f, d)
		}
		if d.action == instance.Delete {
			e.Values = map[string]any{"mode": orDefault(f.dst.ent.Delete.Mode, "remove"), "alreadyGone": o.gone}
		}
	case stepFailed:
		e.Outcome, e.Error = store.OutcomeFailed, o.fail.text()
	case stepDenied:
		e.Outcome = store.OutcomeDenied
		e.Error = fmt.Sprintf("the instance does not grant %s %s %s; nothing was sent", f.dir, f.entity, d.action)
	case stepConflict:
		if len(d.conflicts) > 0 {
			return fieldConflictEntry(f, o, e), true
		}
		e.Outcome, e.Values = OutcomeConflict, changedValues(f, d)
		e.Error = conflictMessage(f, d.action)
	case stepSkip:
		if !d.divergent() {
			return store.Entry{}, false
		}
		// Nothing to send but fields that cannot be cleared.
		e.Outcome, e.Values, e.Error = OutcomeDivergent, changedValues(f, d), divergentMessage(f, d)
	default:
		return store.Entry{}, false
	}
	return e, true
}

// fieldConflictEntry is the audit entry of the conflicting fields of an
// outcome, from its entry e: their new values, and the fields named in
// its error.
func fieldConflictEntry(f *flow, o *outcome, e store.Entry) store.Entry {
	e.Outcome, e.HTTPStatus, e.Duration = OutcomeConflict, 0, 0
	e.Values = conflictValues(f, o.d)
	e.Error = fieldConflictMessage(f, o.d.conflicts)
	return e
}

// adoptedValues are the audit values of an adopted record: its partner
// id, the fields whose values differed and whether they were written
// over, with the values written (personal ones masked).
func adoptedValues(f *flow, o *outcome) map[string]any {
	v := map[string]any{"partnerId": o.id, "differs": o.differs, "updated": o.updated}
	if o.differs == nil {
		v["differs"] = []string{}
	}
	if p := o.d.m.payload; o.updated && p != nil {
		written := map[string]any{}
		for _, name := range o.differs {
			if x, ok := p[name]; ok {
				written[name] = maskedValue(f, FieldChange{Field: name, Change: "changed", New: x})
			}
		}
		v["written"] = written
	}
	return v
}

// guarded audits the deletes of a flow the delete guard held back: one
// entry for the entity, with the outcome "guarded" and the reason in its
// error; its values say how many records are gone, of how many known, how
// many were allowed, the first keys gone and how to override the guard.
func (c *commitStage) guarded(ctx context.Context, f *flow, ds *deleteSet, msg string) {
	override := fmt.Sprintf("specsync sync %s --full --allow-deletes, or POST /api/instances/%s/run?full=true&allowDeletes=true", c.inst.ID, c.inst.ID)
	entry := store.Entry{RunID: c.id, Organisation: c.inst.Organisation, Instance: c.inst.ID, Direction: f.dir,
		Entity: f.entity, Action: instance.Delete, Outcome: store.OutcomeGuarded, Error: msg,
		Values: map[string]any{"gone": ds.found, "known": ds.known, "allowed": ds.limit, "sample": ds.sample, "override": override}}
	if err := c.audit.Add(ctx, entry); err != nil {
		c.log.Warn("could not audit guarded deletes", "flow", f.label(), "error", err)
	}
}

// close writes the buffered audit entries; a plan writes none.
func (c *commitStage) close(ctx context.Context) error {
	if c.dry {
		return nil
	}
	if err := c.audit.Close(ctx); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// committer commits a flow's pages in order, each once all its writes
// are answered, until it shuts down. Transient failures are kept for a
// second attempt (retries) instead.
type committer struct {
	stage    *commitStage
	ctx      context.Context
	f        *flow
	rd       *reading
	later    *retries
	confirms *confirmWriter
	abort    func(error) // stops the flow
	pages    chan *batch
}

// committer returns the committer of a flow, which waits for the answers
// confirms records before it settles their intents; start starts it.
func (c *commitStage) committer(ctx context.Context, f *flow, rd *reading, later *retries, confirms *confirmWriter, abort func(error)) *committer {
	return &committer{stage: c, ctx: ctx, f: f, rd: rd, later: later, confirms: confirms, abort: abort, pages: make(chan *batch, 2)}
}

// start starts the committer.
func (c *committer) start(wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := range c.pages {
			c.commit(b)
		}
	}()
}

// shutdown lets the committer end once the queued pages are committed.
func (c *committer) shutdown() { close(c.pages) }

// commit waits for the writes of a batch and commits it.
func (c *committer) commit(b *batch) {
	b.wg.Wait()
	if len(b.outs) > 0 {
		// The page's answers are recorded before its commit settles their
		// intents, so that none is written after it.
		if err := c.confirms.flush(c.ctx); err != nil {
			c.stage.log.Warn("could not record the answers of creates as they arrived; the page commit records them", "flow", c.f.label(), "error", err)
		}
		if err := c.stage.page(c.ctx, c.f, c.rd, c.later.sift(b.outs)); err != nil {
			c.abort(err)
		}
	}
	if b.done != nil {
		close(b.done)
	}
}
