package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"

	"github.com/specsync/specsync/engine/instance"
)

// Plan is what a run would do now, computed by reading both systems and
// the state without writing anything: not to the systems, not to the
// state, cursors, ledger or audit log. Counts are complete; records are
// listed up to a cap.
//
// Field changes come from the fingerprints a run keeps of each record's
// last payload (see FieldChange): a plan names the fields a write adds,
// changes or removes and shows their new values, personal ones masked;
// old values are not kept anywhere.
type Plan struct {
	Instance     string           `json:"instance"`
	Organisation string           `json:"organisation"`
	Entities     []*EntitySummary `json:"entities"`
	Records      []PlannedRecord  `json:"records"`
	// Omitted counts records beyond the cap that are not listed.
	Omitted  int      `json:"omitted,omitempty"`
	Warnings []string `json:"warnings,omitempty"`

	mu    sync.Mutex
	limit int
}

// PlannedRecord is one action a run would try.
type PlannedRecord struct {
	Direction instance.Direction `json:"direction"`
	Entity    string             `json:"entity"`
	Key       string             `json:"key"`
	Action    instance.Action    `json:"action"`
	// Outcome is "write", "adopt" (the match step found the record at the
	// partner: it is taken over, and updated where Fields name values
	// that differ), "denied" (not granted), "conflict" (a change on the
	// side that does not own the entity), "failed" (the record cannot be
	// mapped or lacks a reference) or "divergent" (the update would leave
	// at the partner a value the home no longer has; its fields say which,
	// as "kept").
	Outcome string `json:"outcome"`
	// Reason says why a record is denied, conflicting or failing.
	Reason string        `json:"reason,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
}

// newPlan starts the plan of a dry run.
func newPlan(j *job) *Plan {
	return &Plan{Instance: j.inst.ID, Organisation: j.inst.Organisation, limit: orDefault(j.opts.PlanRecords, 1000)}
}

// Plan computes what a run with opts would do, writing nothing.
func (e *Engine) Plan(ctx context.Context, l *instance.Loaded, opts RunOptions) (*Plan, error) {
	r, err := e.newRun(l, opts, true)
	if err != nil {
		return nil, err
	}
	err = r.execute(ctx)
	plan, sum := r.tally.plan, r.tally.sum
	plan.Entities, plan.Warnings = sum.Entities, sum.Warnings
	return plan, err
}

// FailedListings names the flows ("push unit") whose listing failed: the
// plan shows what it could plan of them, and no deletes; its warnings
// say why each listing failed. Empty for a complete plan.
func (p *Plan) FailedListings() []string {
	var out []string
	for _, e := range p.Entities {
		if e.Incomplete {
			out = append(out, string(e.Direction)+" "+e.Entity)
		}
	}
	return out
}

// record turns a decision into a planned record; skipped records are only
// counted. Creates are remembered so that later entities can refer to
// them.
func (pc *plannedCreates) record(f *flow, d *decision) (PlannedRecord, bool) {
	key := d.m.src.key
	rec := PlannedRecord{Direction: f.dir, Entity: f.entity, Key: ledgerKey(key, d.m.src), Action: actionOf(d.action)}
	switch {
	case d.adopted && (d.step == stepWrite || d.step == stepAdopt):
		rec.Action, rec.Outcome = actionAdopt, outcomeAdopt
		rec.Fields = adoptedFields(f, d)
		pc.add(f.entity, key)
		return rec, true
	}
	switch d.step {
	case stepWrite:
		rec.Outcome, rec.Fields = "write", plannedFields(f, d)
		switch {
		case d.divergent():
			rec.Outcome, rec.Reason = string(OutcomeDivergent), divergentMessage(f, d)
		case len(d.conflicts) > 0:
			rec.Reason = fieldConflictMessage(f, d.conflicts)
		}
		if d.action == instance.Create && f.dir == instance.Push {
			pc.add(f.entity, key)
		}
	case stepDenied:
		rec.Outcome, rec.Reason = "denied", fmt.Sprintf("%s %s %s is not granted", f.dir, f.entity, d.action)
		rec.Fields = plannedFields(f, d)
	case stepConflict:
		rec.Outcome, rec.Reason, rec.Fields = "conflict", conflictMessage(f, d.action), plannedFields(f, d)
		if len(d.conflicts) > 0 {
			rec.Reason = fieldConflictMessage(f, d.conflicts)
		}
	case stepFailed:
		rec.Outcome, rec.Reason = "failed", d.fail.text()
	case stepSkip:
		if !d.divergent() {
			return rec, false
		}
		rec.Outcome, rec.Reason, rec.Fields = string(OutcomeDivergent), divergentMessage(f, d), plannedFields(f, d)
	default:
		return rec, false
	}
	return rec, true
}

// outcomeAdopt is the plan outcome of a record the match step found.
const outcomeAdopt = "adopt"

// adoptedFields lists, masked, the fields of an adopted record whose
// values the partner does not hold, as changes.
func adoptedFields(f *flow, d *decision) []FieldChange {
	if d.m.payload == nil || d.action != instance.Update {
		return nil
	}
	var out []FieldChange
	for _, name := range d.differs {
		c := FieldChange{Field: name, Change: "changed", New: d.m.payload[name]}
		c.New = maskedValue(f, c)
		out = append(out, c)
	}
	return out
}

// plannedFields lists the field changes of a decision, masked.
func plannedFields(f *flow, d *decision) []FieldChange {
	if d.m.payload == nil {
		return nil
	}
	changes := changesOf(d)
	for i := range changes {
		changes[i].New = maskedValue(f, changes[i])
	}
	return changes
}

// add lists a record, up to the cap.
func (p *Plan) add(rec PlannedRecord) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.Records) >= p.limit {
		p.Omitted++
		return
	}
	p.Records = append(p.Records, rec)
}

// refused notes deletes the guard would hold back.
func (p *Plan) refused(f *flow, n int, msg string) {
	p.add(PlannedRecord{Direction: f.dir, Entity: f.entity, Action: instance.Delete, Outcome: "denied", Reason: fmt.Sprintf("%d deletes: %s", n, msg)})
}

// Table writes the plan: counts per entity, then, with detail, each
// record and its field changes.
func (p *Plan) Table(w io.Writer, detail bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	adopt := anyAdopted(p.Entities)
	fmt.Fprintln(tw, "DIRECTION\tENTITY\tREAD\tCREATE\t"+adoptedColumn(adopt, "ADOPT\t")+"UPDATE\tDELETE\tUNCHANGED\tDENIED\tFAILING\tCONFLICTS\tDIVERGENT\t")
	for _, e := range p.Entities {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", e.Direction, e.Entity,
			e.Read, e.Created, adoptedColumn(adopt, fmt.Sprintf("%d\t", e.Adopted)), e.Updated, e.Deleted, e.Skipped, e.Denied, e.Failed, e.Conflicts, e.Divergent)
	}
	tw.Flush()
	for _, warn := range p.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	if detail {
		p.detail(w)
	}
}

// detail writes each planned record.
func (p *Plan) detail(w io.Writer) {
	for _, rec := range p.Records {
		fmt.Fprintf(w, "\n%s %s %q: %s %s", rec.Direction, rec.Entity, rec.Key, rec.Action, rec.Outcome)
		if rec.Reason != "" {
			fmt.Fprintf(w, " (%s)", rec.Reason)
		}
		fmt.Fprintln(w)
		for _, c := range rec.Fields {
			fmt.Fprintf(w, "    %-8s %s", c.Change, c.Field)
			if c.New != nil {
				b, _ := json.Marshal(c.New) // values come from JSON
				fmt.Fprintf(w, " = %s", b)
			}
			fmt.Fprintln(w)
		}
	}
	if p.Omitted > 0 {
		fmt.Fprintf(w, "\n... and %d more records (raise the limit to list them)\n", p.Omitted)
	}
}

// plannedCreates remembers the records a plan would create on the
// partner, so that later entities of the plan can refer to them. It is
// safe for concurrent use; a nil one knows nothing.
type plannedCreates struct {
	mu   sync.Mutex
	keys map[string]bool
}

// newIDPlaceholder stands for the partner id a planned create would get.
const newIDPlaceholder = "(new)"

func newPlannedCreates() *plannedCreates { return &plannedCreates{keys: map[string]bool{}} }

// add remembers a planned create.
func (pc *plannedCreates) add(entity, key string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.keys[entity+"\x00"+key] = true
}

// id returns the placeholder id of a planned create, or "".
func (pc *plannedCreates) id(entity, key string) string {
	if pc == nil {
		return ""
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.keys[entity+"\x00"+key] {
		return newIDPlaceholder
	}
	return ""
}
