package engine

import (
	"context"
	"fmt"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// codeAborted marks writes that were never sent because the run stopped;
// they do not go to the ledger (the next run reads them again).
const codeAborted = "aborted"

// conflictHash replaces the written hash of the owning direction after a
// conflict, so that its next run writes the owner's value again.
const conflictHash = "conflict"

// commitPage records a page once all its writes are answered: the state
// of confirmed writes, the fingerprints, the ledger and the audit log.
// Transient failures are kept for a second attempt instead.
func (r *run) commitPage(ctx context.Context, p *pipeline, items []*item) error {
	f := p.f
	done := make([]*item, 0, len(items))
	for _, it := range items {
		if it.step != stepFailed || !p.keepForLater(it) {
			done = append(done, it)
		}
	}
	if err := r.computeEchoes(ctx, f, done); err != nil {
		return err
	}
	steps := []func(context.Context, *flow, *reading, []*item) error{r.commitState, r.commitExtras, r.commitLedger, r.auditPage}
	for _, step := range steps {
		if err := step(ctx, f, p.rd, done); err != nil {
			return err
		}
	}
	r.sum.count(f, done)
	r.report(f)
	return nil
}

// partnerID is the partner's id of an item, which the state keeps for
// both directions.
func (r *run) partnerID(f *flow, it *item) string {
	if f.dir == instance.Pull {
		return it.srcID
	}
	return it.id
}

// commitState stores confirmed writes and adopted hashes with their
// memos, renews the memos of records mapped again to their last payload,
// and after a conflict makes the owning direction write again.
func (r *run) commitState(ctx context.Context, f *flow, rd *reading, items []*item) error {
	own := store.Batch{Direction: f.dir, Entity: f.entity, Written: make([]store.Written, 0, len(items))}
	other := store.Batch{Direction: f.dir.Opposite(), Entity: f.entity}
	for _, it := range items {
		switch {
		case it.action == instance.Delete && (it.step == stepWritten || it.step == stepConflict):
			own.Deleted = append(own.Deleted, store.Deleted{Key: it.key, PartnerID: it.known.PartnerID})
			other.Deleted = append(other.Deleted, store.Deleted{Key: it.key})
		case it.step == stepWritten:
			own.Written = append(own.Written, store.Written{Key: it.key, PartnerID: r.partnerID(f, it), Hash: it.hash, Echo: it.echo, Memo: it.memoOf()})
			if f.dir == instance.Pull && it.action == instance.Create {
				rd.seenKey(it.key)
				other.Written = append(other.Written, store.Written{Key: it.key, PartnerID: it.srcID})
			}
		case it.step == stepAdopt:
			own.Written = append(own.Written, store.Written{Key: it.key, PartnerID: it.id, Hash: it.hash, Memo: it.memoOf()})
		case it.step == stepConflict:
			other.Written = append(other.Written, store.Written{Key: it.key, PartnerID: r.conflictID(f, it), Hash: conflictHash})
		case it.note == noteUnchanged && !it.recalled && it.input != "":
			// Mapped again to the same payload: keep the inputs, so that the
			// next run need not map it.
			own.Renewed = append(own.Renewed, store.Written{Key: it.key, PartnerID: it.known.PartnerID, Hash: it.hash, At: it.known.WrittenAt, Memo: it.memoOf()})
		}
	}
	for _, b := range []store.Batch{own, other} {
		if len(b.Written)+len(b.Deleted)+len(b.Renewed) > 0 {
			if err := r.state.Commit(ctx, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// conflictID is the partner id under which the other direction knows a
// conflicting record.
func (r *run) conflictID(f *flow, it *item) string {
	if f.dir == instance.Pull {
		return it.srcID
	}
	return it.known.PartnerID
}

// memoOf is the memo of an item's write, kept with its hash in the state.
func (it *item) memoOf() string {
	return memo{input: it.input, payload: it.hash, prints: it.prints}.encode()
}

// commitExtras clears the create intents that writes settle and those of
// deleted records, and drops the echo of conflicting records so that the
// owner's value is not taken for an echo.
func (r *run) commitExtras(ctx context.Context, f *flow, _ *reading, items []*item) error {
	var settled, conflicts []string
	for _, it := range items {
		switch {
		case it.action == instance.Delete:
			if it.step == stepWritten || it.step == stepConflict {
				settled = append(settled, it.key) // intents are not loaded for deletes
			}
		case it.step == stepWritten || it.step == stepAdopt:
			if it.intent != "" {
				settled = append(settled, it.key)
			}
		case it.step == stepConflict:
			conflicts = append(conflicts, it.key)
		}
	}
	if err := r.state.Settle(ctx, f.dir, f.entity, settled, conflicts); err != nil {
		return fmt.Errorf("instance %q: settle the intents of %s: %w", r.inst.ID, f.label(), err)
	}
	return nil
}

// markIntents records, before sending, the creates of a page that a
// crash could leave unconfirmed, unless an intent is left already.
func (r *run) markIntents(ctx context.Context, f *flow, items []*item) error {
	if r.dry || f.dst.ent.Upsert != nil {
		return nil
	}
	var intents []store.Intent
	for _, it := range items {
		if it.step == stepWrite && it.action == instance.Create && it.key != "" && it.intent == "" {
			intents = append(intents, store.Intent{Key: it.key, Hash: it.hash})
		}
	}
	if err := r.state.MarkIntents(ctx, f.dir, f.entity, intents...); err != nil {
		return fmt.Errorf("instance %q: record create intents of %s: %w", r.inst.ID, f.label(), err)
	}
	for _, it := range items {
		if it.step == stepWrite && it.action == instance.Create && it.key != "" && it.intent == "" {
			it.intent = it.hash
		}
	}
	return nil
}

// ledgerKey is the ledger's key of an item: its home key, or for a
// partner record without one "@" and the partner's id.
func ledgerKey(it *item) string {
	if it.key == "" && it.srcID != "" {
		return "@" + it.srcID
	}
	return it.key
}

// commitLedger records failures and clears the ledger entries of records
// that went through.
func (r *run) commitLedger(ctx context.Context, f *flow, rd *reading, items []*item) error {
	var failed []store.Failed
	var cleared []string
	for _, it := range items {
		key := ledgerKey(it)
		switch {
		case key == "":
		case it.step == stepFailed && it.fail.Code != codeAborted:
			failed = append(failed, store.Failed{Key: key, Reason: *it.fail, RunID: r.id})
		case it.step != stepFailed && it.step != stepDenied && rd.inLedger(key):
			cleared = append(cleared, key)
		}
	}
	if len(failed) > 0 {
		if err := r.ledger.Fail(ctx, f.dir, f.entity, failed...); err != nil {
			return err
		}
	}
	return r.ledger.Clear(ctx, f.dir, f.entity, cleared...)
}

// inLedger reports whether key had a ledger entry when the flow began.
func (rd *reading) inLedger(key string) bool {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	_, ok := rd.failed[key]
	return ok
}
