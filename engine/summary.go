package engine

import (
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/specsync/specsync/engine/instance"
)

// Summary is what a run did, per direction and entity. It is safe for
// concurrent use while the run fills it; read it after the run.
type Summary struct {
	RunID        string    `json:"runId"`
	Instance     string    `json:"instance"`
	Organisation string    `json:"organisation"`
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished"`
	// Entities are in run order: push entities in dependency order, then
	// pull entities.
	Entities []*EntitySummary `json:"entities"`
	// Warnings are run-level notes for operators (refused deletes, failed
	// listings).
	Warnings []string `json:"warnings,omitempty"`
	// Aborted says why the run stopped before its end; empty when it ran
	// through.
	Aborted string `json:"aborted,omitempty"`
	// Unreachable names the systems the run could not reach at all, and
	// why: every request it sent them failed before an answer (DNS, a
	// refused or timed-out connection, TLS) and none was answered. A run
	// with any is failed, even though it ran through.
	Unreachable []string `json:"unreachable,omitempty"`

	mu sync.Mutex
}

// EntitySummary counts what a run did with one direction and entity.
type EntitySummary struct {
	Direction instance.Direction `json:"direction"`
	Entity    string             `json:"entity"`
	// Full is set when the entity was read completely (deletes are found
	// only then); otherwise only changes since the cursor were read.
	Full bool `json:"full"`
	// Incomplete is set when the listing failed part way.
	Incomplete bool  `json:"incomplete,omitempty"`
	Read       int64 `json:"read"`
	Created    int64 `json:"created"`
	Updated    int64 `json:"updated"`
	Deleted    int64 `json:"deleted"`
	// Skipped counts unchanged records, echoes of our own writes and
	// records a `when` filtered out.
	Skipped   int64 `json:"skipped"`
	Denied    int64 `json:"denied"`
	Failed    int64 `json:"failed"`
	Conflicts int64 `json:"conflicts"`
	// Guarded counts the deletes the delete guard held back: records gone
	// from the source, more than the instance's share of those known. A
	// run that holds any back is partial.
	Guarded int64 `json:"guarded,omitempty"`
	// Divergent counts records left different from the home: an update
	// could not clear a field that became empty (its clear policy is omit,
	// or its schema admits neither null nor an empty value), so the
	// partner keeps the old value. Such a record is not counted as updated
	// or skipped, and a run with any is partial.
	Divergent int64 `json:"divergent,omitempty"`
	// Adopted counts records found at the partner (by the match step or a
	// lookup) and taken over instead of created. One whose values differed
	// and were written over is counted in Updated too, so that Created,
	// Updated and Deleted always count the writes sent.
	Adopted int64 `json:"adopted,omitempty"`
	// Drift counts, in a reconciliation, the records whose partner copy
	// differs from the home's payload (missing, unexpected or a field
	// differs); Repaired those of them a repair wrote back. Drift left
	// unrepaired makes the reconciliation partial.
	Drift    int64 `json:"drift,omitempty"`
	Repaired int64 `json:"repaired,omitempty"`
	// TextRepaired counts the records read with text that was not clean
	// (bytes that are not UTF-8, a lone surrogate escape, a NUL) and taken
	// repaired, by the instance option invalidText replace. With the
	// default, fail, such records count as failed instead.
	TextRepaired int64 `json:"textRepaired,omitempty"`
}

// Status is the overall result of a run.
type Status string

const (
	// StatusClean: every record went through.
	StatusClean Status = "clean"
	// StatusPartial: the run ran through, but some records failed, a
	// listing was incomplete, the delete guard held deletes back, the
	// partner keeps values the home no longer has (divergent) or a
	// reconciliation left drift unrepaired.
	StatusPartial Status = "partial"
	// StatusFailed: the run was aborted, or it could not reach a system at
	// all (Summary.Unreachable).
	StatusFailed Status = "failed"
)

// Exit codes of the sync command by status.
const (
	ExitClean   = 0
	ExitFailed  = 1
	ExitPartial = 3
)

// newSummary starts the summary of a run with a row per selected flow.
func newSummary(j *job, flows []*flow) *Summary {
	s := &Summary{RunID: j.id, Instance: j.inst.ID, Organisation: j.inst.Organisation}
	for _, f := range flows {
		if selected(j, f) {
			s.Entities = append(s.Entities, &EntitySummary{Direction: f.dir, Entity: f.entity})
		}
	}
	return s
}

// Status tells clean, partial or failed.
func (s *Summary) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Aborted != "" || len(s.Unreachable) > 0 {
		return StatusFailed
	}
	for _, e := range s.Entities {
		if e.Failed > 0 || e.Incomplete || e.Guarded > 0 || e.Divergent > 0 || e.Drift > e.Repaired {
			return StatusPartial
		}
	}
	return StatusClean
}

// ExitCode is the process exit code of the run: 0 clean, 3 partial, 1
// failed.
func (s *Summary) ExitCode() int {
	switch s.Status() {
	case StatusFailed:
		return ExitFailed
	case StatusPartial:
		return ExitPartial
	}
	return ExitClean
}

// Entity returns the row of a direction and entity, or nil.
func (s *Summary) Entity(dir instance.Direction, entity string) *EntitySummary {
	for _, e := range s.Entities {
		if e.Direction == dir && e.Entity == entity {
			return e
		}
	}
	return nil
}

// entity returns the row of a flow, adding it when missing.
func (s *Summary) entity(f *flow) *EntitySummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.Entity(f.dir, f.entity); e != nil {
		return e
	}
	e := &EntitySummary{Direction: f.dir, Entity: f.entity}
	s.Entities = append(s.Entities, e)
	return e
}

// read counts records read.
func (s *Summary) read(f *flow, n int) {
	e := s.entity(f)
	s.mu.Lock()
	e.Read += int64(n)
	s.mu.Unlock()
}

// repaired counts the records of a page taken with their text repaired.
func (s *Summary) repaired(f *flow, src []source) {
	var n int64
	for i := range src {
		if src[i].repaired {
			n++
		}
	}
	if n == 0 {
		return
	}
	e := s.entity(f)
	s.mu.Lock()
	e.TextRepaired += n
	s.mu.Unlock()
}

// countOutcomes adds the outcomes of a committed page.
func (s *Summary) countOutcomes(f *flow, outs []*outcome) {
	e := s.entity(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range outs {
		if o.adopted && (o.step == stepWritten || o.step == stepAdopt) {
			e.adopt(o.updated)
			continue
		}
		e.add(o.step, o.d)
	}
}

// countDecisions adds the decisions of a planned page.
func (s *Summary) countDecisions(f *flow, decs []decision) {
	e := s.entity(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range decs {
		if d := &decs[i]; d.adopted && (d.step == stepWrite || d.step == stepAdopt) {
			e.adopt(d.action == instance.Update)
			continue
		}
		e.add(decs[i].step, &decs[i])
	}
}

// add counts one record by where it ended and its decision. A write that
// left out changed fields the other side owns counts as a conflict too.
func (e *EntitySummary) add(st step, d *decision) {
	if len(d.conflicts) > 0 && st != stepConflict {
		e.Conflicts++
	}
	if d.divergent() && (st == stepWritten || st == stepWrite || st == stepSkip) {
		e.Divergent++
		return
	}
	switch st {
	case stepWritten, stepWrite:
		switch d.action {
		case instance.Create:
			e.Created++
		case instance.Update:
			e.Updated++
		case instance.Delete:
			e.Deleted++
		}
	case stepSkip, stepAdopt:
		e.Skipped++
	case stepDenied:
		e.Denied++
	case stepConflict:
		e.Conflicts++
	case stepFailed:
		e.Failed++
	}
}

// anyAdopted reports whether a row counts adopted records.
func anyAdopted(rows []*EntitySummary) bool {
	for _, e := range rows {
		if e.Adopted > 0 {
			return true
		}
	}
	return false
}

// anyDrift reports whether a reconciliation found drift in any row: the
// table then shows the drift and repaired columns.
func anyDrift(rows []*EntitySummary) bool {
	for _, e := range rows {
		if e.Drift > 0 {
			return true
		}
	}
	return false
}

// adoptedColumn is cell when the table shows the adopted column.
func adoptedColumn(shown bool, cell string) string {
	if shown {
		return cell
	}
	return ""
}

// adopt counts a record taken over at the partner, and its update.
func (e *EntitySummary) adopt(updated bool) {
	e.Adopted++
	if updated {
		e.Updated++
	}
}

// warn adds a warning about a flow.
func (s *Summary) warn(f *flow, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Warnings = append(s.Warnings, f.label()+": "+fmt.Sprintf(format, args...))
}

// Table writes the summary as a table, with warnings below. The ADOPTED
// column shows when a row adopted records.
func (s *Summary) Table(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	adopted, drift := anyAdopted(s.Entities), anyDrift(s.Entities)
	fmt.Fprintln(tw, "DIRECTION\tENTITY\tREAD\tCREATED\t"+adoptedColumn(adopted, "ADOPTED\t")+"UPDATED\tDELETED\tSKIPPED\tDENIED\tFAILED\tCONFLICTS\tGUARDED\tDIVERGENT\t"+
		adoptedColumn(drift, "DRIFT\tREPAIRED\t"))
	for _, e := range s.Entities {
		name := e.Entity
		if !e.Full {
			name += " (incremental)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", e.Direction, name,
			e.Read, e.Created, adoptedColumn(adopted, fmt.Sprintf("%d\t", e.Adopted)), e.Updated, e.Deleted, e.Skipped, e.Denied, e.Failed, e.Conflicts, e.Guarded, e.Divergent,
			adoptedColumn(drift, fmt.Sprintf("%d\t%d\t", e.Drift, e.Repaired)))
	}
	tw.Flush()
	for _, warn := range s.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	for _, e := range s.Entities {
		if e.TextRepaired > 0 {
			fmt.Fprintf(w, "warning: %s %s: %d records had text that was not clean (invalid UTF-8 or NUL), taken repaired; the log names their fields (with -v)\n", e.Direction, e.Entity, e.TextRepaired)
		}
	}
	fmt.Fprintf(w, "run %s: %s in %s\n", s.RunID, s.Status(), s.Finished.Sub(s.Started).Round(time.Millisecond))
	if s.Aborted != "" {
		fmt.Fprintln(w, "aborted:", s.Aborted)
	}
	for _, u := range s.Unreachable {
		fmt.Fprintln(w, "unreachable:", u)
	}
}
