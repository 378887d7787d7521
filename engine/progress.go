package engine

import (
	"time"

	"github.com/specsync/specsync/engine/instance"
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

// report sends the progress of a flow to RunOptions.Progress.
func (r *run) report(f *flow) {
	if r.opts.Progress == nil {
		return
	}
	e := r.sum.entity(f)
	r.sum.mu.Lock()
	done := e.Read
	var all int64
	for _, x := range r.sum.Entities {
		all += x.Read
	}
	r.sum.mu.Unlock()
	elapsed := r.eng.cfg.Clock.Now().Sub(r.sum.Started)
	p := Progress{RunID: r.id, Direction: f.dir, Entity: f.entity, Done: done, Total: r.totals[f], Elapsed: elapsed}
	if elapsed > 0 {
		p.Rate = float64(all) / elapsed.Seconds()
	}
	r.opts.Progress(p)
}
