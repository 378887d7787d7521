package engine

import (
	"context"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// A reconciliation compares what the partner holds with what the home's
// payloads are now, instead of trusting the hashes the state keeps of the
// last writes: a record edited or deleted by hand at the partner, which
// no run notices, shows as drift. For each pushed entity it lists the
// home system and maps every record through the read and map stages of a
// run, lists the partner, matches the partner's records to home keys (by
// the id map, else by the key field), and compares each record field by
// field on the paths the write mapping writes. With Repair, the drift is
// written back through the write and commit stages of a run, so that the
// state learns the hash of what the partner now holds.

// ReconcileOptions steer one reconciliation. The zero value compares
// every pushed entity and repairs nothing.
type ReconcileOptions struct {
	// Entity reconciles only this partner entity. Empty means every
	// entity the home pushes.
	Entity string
	// Repair writes the home's values back: an update for a record whose
	// home-owned fields differ, a create for a missing one and, where the
	// instance grants deletes on push and the home owns the entity, a
	// delete for an unexpected one (within the delete guard). The
	// instance's permissions apply; a denied action is reported. False
	// only reports.
	Repair bool
	// DeleteOverride lets a repair delete more unexpected records than the
	// instance's delete guard allows.
	DeleteOverride bool
	// RunID names the reconciliation in audit entries. Empty means a new
	// random id.
	RunID string
	// Records caps the drifted records listed one by one (counts are
	// always complete). Zero means 1000.
	Records int
}

// DriftKind says how a partner record differs from the home.
type DriftKind string

const (
	// DriftMissing: the home has the record, the partner does not.
	DriftMissing DriftKind = "missing"
	// DriftUnexpected: the partner has a record the home does not.
	DriftUnexpected DriftKind = "unexpected"
	// DriftDiffers: both have it, and written fields differ.
	DriftDiffers DriftKind = "differs"
)

// OutcomeDrift: a reconciliation found a record that differs from the
// home's payload; the entry's values say how (kind, fields) and what
// the repair did.
const OutcomeDrift store.Outcome = "drift"

// FieldDrift is one written field whose partner value differs from the
// home's. Personal values are masked.
type FieldDrift struct {
	// Field is the field's dotted path in the payload.
	Field string `json:"field"`
	// Home is the value the home's payload writes; nil when it writes none.
	Home any `json:"home"`
	// Partner is the partner's value; nil when it has none.
	Partner any `json:"partner"`
}

// Drift is one record whose partner copy differs from the home's payload.
type Drift struct {
	Entity string    `json:"entity"`
	Key    string    `json:"key,omitempty"`
	Kind   DriftKind `json:"kind"`
	// PartnerID is the partner's id of the record; empty for a missing
	// one.
	PartnerID string       `json:"partnerId,omitempty"`
	Fields    []FieldDrift `json:"fields,omitempty"`
	// Repair is the action that restores the home's values ("update",
	// "create", "delete") or why there is none.
	Repair string `json:"repair"`
	// Repaired is set once the partner confirmed the repair.
	Repaired bool `json:"repaired"`
	// Error says why the repair failed or was not made.
	Error string `json:"error,omitempty"`
}

// Reconciliation is what a reconciliation found and repaired.
type Reconciliation struct {
	// Summary counts per entity; EntitySummary.Drift and Repaired count
	// the drift, Created, Updated and Deleted the repair's writes.
	Summary *Summary `json:"summary"`
	// Drift lists the drifted records, up to ReconcileOptions.Records.
	Drift []*Drift `json:"drift"`
	// More counts the drifted records past the list's cap.
	More int `json:"more,omitempty"`
}

// Reconcile compares the partner's records of every pushed entity (or
// opts.Entity) with the home's payloads and, with opts.Repair, writes the
// home's values back. The error is non-nil only when the reconciliation
// could not start or was aborted (matching ErrAborted); the result is
// returned either way once it started.
func (e *Engine) Reconcile(ctx context.Context, l *instance.Loaded, opts ReconcileOptions) (*Reconciliation, error) {
	r, err := e.newRun(l, RunOptions{Direction: instance.Push, Entity: opts.Entity, RunID: opts.RunID, DeleteOverride: opts.DeleteOverride}, false)
	if err != nil {
		return nil, err
	}
	rc := newReconciler(r, opts)
	err = r.executeWith(ctx, "specsync.reconcile", rc.all)
	return rc.out, err
}
