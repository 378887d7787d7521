package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// Clearing. An update that keeps the fields its body leaves out (PATCH,
// most GraphQL inputs) would leave at the partner a value the home no
// longer has: a top-level field the last write sent and whose template
// now renders empty is simply missing from the payload. The state's memo
// names the fields of the last write (their fingerprints), so the decide
// stage finds such fields and, per the field's clear policy
// (specs.FieldClearing), adds them to the body as null or their type's
// empty value. A field that cannot be cleared (policy omit, or a schema
// that admits neither) is kept in the memo, the record is divergent: it
// is counted and audited so, and the run is not clean while the
// difference lasts.

// OutcomeDivergent: the partner keeps a value the home no longer has,
// because the field's clear policy or schema forbids clearing it. The
// entry's values name the fields (change "kept"); the other changes, if
// any, were written.
const OutcomeDivergent store.Outcome = "divergent"

// noteDivergent skips a divergent record with nothing else to send.
const noteDivergent = string(OutcomeDivergent)

// divergentHash replaces the written hash of a divergent record, so that
// every run maps it again and reports the difference until it is gone.
const divergentHash = "divergent"

// Field changes beyond added, changed and removed.
const (
	changeCleared = "cleared" // sent as null or the empty value
	changeKept    = "kept"    // left at the partner: the record is divergent
)

// clearing decides, for an update, what becomes of the fields the last
// write sent that the payload no longer has: cleared in the body, or
// kept (the record is divergent). A record with nothing to send but kept
// fields is not written.
func clearing(f *flow, dec *decision) {
	mp := dec.m
	if !f.clears || dec.action != instance.Update || mp.payload == nil {
		return
	}
	old := decodeMemo(mp.src.known.Memo).prints
	for _, p := range old {
		if _, ok := mp.payload[p.name]; ok || !f.ownsField(p.name) {
			continue // still there, or the destination's to keep
		}
		cl := f.dst.spec.FieldClearing(f.dst.ent, p.name)
		if !cl.OK {
			mp.kept = append(mp.kept, p)
			continue
		}
		if mp.clears == nil {
			mp.clears = map[string]any{}
		}
		mp.clears[p.name] = cl.Value
	}
	if len(mp.kept) > 0 && len(mp.clears) == 0 && sameFields(old, mp.prints, mp.kept) {
		dec.step, dec.note = stepSkip, noteDivergent
	}
}

// sameFields reports whether the new fingerprints are the old ones but
// the kept fields.
func sameFields(old, prints, kept []fieldPrint) bool {
	rest := slices.DeleteFunc(slices.Clone(old), func(p fieldPrint) bool { return slices.Contains(kept, p) })
	return slices.Equal(rest, prints)
}

// divergent reports whether a decision leaves a value at the partner
// that the home no longer has.
func (dec *decision) divergent() bool { return len(dec.m.kept) > 0 }

// body is the request body of a record: its payload with the fields it
// clears.
func (m *mapped) body() map[string]any {
	if len(m.clears) == 0 {
		return m.payload
	}
	out := make(map[string]any, len(m.payload)+len(m.clears))
	for k, v := range m.payload {
		out[k] = v
	}
	for k, v := range m.clears {
		out[k] = v
	}
	return out
}

// writtenMemo is the memo and hash the state keeps of a write: those of
// its payload, except for a divergent record, whose memo keeps the
// fingerprints of the fields left at the partner and whose hash is
// divergentHash.
func writtenMemo(m *mapped) (hash, encoded string) {
	if len(m.kept) == 0 {
		return m.hash, memoOf(m)
	}
	prints := append(slices.Clone(m.prints), m.kept...)
	slices.SortFunc(prints, func(a, b fieldPrint) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	return divergentHash, memo{input: m.input, payload: m.hash, prints: prints}.encode()
}

// divergentMessage says which fields an update leaves at the
// destination, why, and what to do.
func divergentMessage(f *flow, d *decision) string {
	var b strings.Builder
	for i, p := range d.m.kept {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q (%s)", p.name, f.dst.spec.FieldClearing(f.dst.ent, p.name).Reason)
	}
	return fmt.Sprintf("%s %s keeps values %s no longer has, which an update cannot clear: %s; "+
		`declare "fields": {%q: {"clear": "null"}} on entity %q of the %s spec if it accepts null`,
		f.dst.spec.Sync.System, f.dst.name, f.src.spec.Sync.System, b.String(), d.m.kept[0].name, f.dst.name, f.dst.spec.Sync.System)
}

// clearedChanges names the removed fields of an update by what becomes of
// them: cleared, or kept at the partner.
func clearedChanges(m *mapped, changes []FieldChange) {
	for i := range changes {
		c := &changes[i]
		if c.Change != "removed" {
			continue
		}
		if v, ok := m.clears[c.Field]; ok {
			c.Change, c.New = changeCleared, v
		} else if slices.ContainsFunc(m.kept, func(p fieldPrint) bool { return p.name == c.Field }) {
			c.Change = changeKept
		}
	}
}
