package engine

import (
	"context"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// Progress is where a run stands, reported after every page.
type Progress struct {
	RunID     string
	Direction instance.Direction
	Entity    string
	// Done counts the records of the entity handled so far.
	Done int64
	// Total is the number of records the state knew of the entity before
	// the run, a guide for full reads; zero when unknown.
	Total int64
	// Elapsed is the time since the run started.
	Elapsed time.Duration
	// Rate is the run's records per second so far, all entities together.
	Rate float64
}

// tally is what a run reports as it goes: its summary, the progress after
// every page and, for a plan, the plan and the creates it plans. Its
// totals are written as each flow starts, before the flow's pages.
type tally struct {
	job     *job
	sum     *Summary
	plan    *Plan           // nil for a run
	planned *plannedCreates // nil for a run
	totals  map[*flow]int64
	// committed, when set, sees the outcomes of every committed page.
	committed func(f *flow, outs []*outcome)
}

// newTally starts the tally of a run.
func newTally(r *run) *tally {
	t := &tally{job: r.job, sum: newSummary(r.job, r.flows), totals: map[*flow]int64{}}
	if r.dry {
		t.plan, t.planned = newPlan(r.job), newPlannedCreates()
	}
	return t
}

// startFlow notes, for progress reports, how many records of a flow the
// state knows.
func (t *tally) startFlow(ctx context.Context, state *store.State, f *flow) error {
	if t.job.opts.Progress == nil {
		return nil
	}
	var err error
	t.totals[f], err = state.Count(ctx, f.dir, f.entity)
	return err
}

// read counts records read.
func (t *tally) read(f *flow, n int) { t.sum.read(f, n) }

// count adds the outcomes of a committed page.
func (t *tally) count(f *flow, outs []*outcome) {
	t.sum.countOutcomes(f, outs)
	if t.committed != nil {
		t.committed(f, outs)
	}
}

// planPage records a page's decisions in the plan.
func (t *tally) planPage(f *flow, decs []decision) {
	t.sum.countDecisions(f, decs)
	for i := range decs {
		if rec, ok := t.planned.record(f, &decs[i]); ok {
			t.plan.add(rec)
		}
	}
	t.report(f)
}

// report sends the progress of a flow to RunOptions.Progress.
func (t *tally) report(f *flow) {
	j := t.job
	if j.opts.Progress == nil {
		return
	}
	e := t.sum.entity(f)
	t.sum.mu.Lock()
	done := e.Read
	var all int64
	for _, x := range t.sum.Entities {
		all += x.Read
	}
	t.sum.mu.Unlock()
	elapsed := j.cfg.Clock.Now().Sub(t.sum.Started)
	p := Progress{RunID: j.id, Direction: f.dir, Entity: f.entity, Done: done, Total: t.totals[f], Elapsed: elapsed}
	if elapsed > 0 {
		p.Rate = float64(all) / elapsed.Seconds()
	}
	j.opts.Progress(p)
}
