package engine

import (
	"context"
	"sync"
	"time"
)

// maxLater caps the records of one flow kept for a second attempt later
// in the run; beyond it, transient failures go to the ledger at once.
const maxLater = 10_000

// retryPause is the wait before the second attempt of transient failures.
const retryPause = 500 * time.Millisecond

// pass takes one flow's decided pages through the write and commit
// stages: a writePool sends the writes while the driver reads the next
// page, and a committer commits each page once all its writes are
// answered, in page order. At most a few pages are in flight, so memory
// does not grow with the data set. A plan's pass writes and commits
// nothing; it only carries the error that stops the flow.
type pass struct {
	f       *flow
	ctx     context.Context
	stop    *stopper
	write   *writeStage
	pool    *writePool
	commits *committer
	later   *retries
	wg      sync.WaitGroup
}

// batch is one page's outcomes; done is closed when it is committed.
type batch struct {
	outs []outcome
	wg   sync.WaitGroup
	done chan struct{}
}

// newPass starts the write pool and the committer of a flow.
func (r *run) newPass(ctx context.Context, f *flow, rd *reading) *pass {
	ctx, cancel := context.WithCancel(ctx)
	p := &pass{f: f, ctx: ctx, stop: &stopper{cancel: cancel}, write: r.stages.write, later: &retries{}}
	if r.dry {
		return p
	}
	commit := r.stages.commit
	p.pool = r.stages.write.pool(ctx, f, p.stop.abort)
	p.commits = newCommitter(func(b *batch) {
		if err := commit.page(context.WithoutCancel(ctx), f, rd, p.later.sift(b.outs)); err != nil {
			p.stop.abort(err)
		}
	})
	p.pool.start(&p.wg)
	p.commits.start(&p.wg)
	return p
}

// submit hands a page's decisions to the write stage and queues the page
// for its commit.
func (p *pass) submit(decs []decision) error {
	if err := p.err(); err != nil {
		return err
	}
	return p.send(&batch{outs: p.write.outcomes(p.f, decs)})
}

// send records the create intents of a batch, queues its writes and then
// the batch for its commit.
func (p *pass) send(b *batch) error {
	if err := p.write.markIntents(p.ctx, p.f, b.outs); err != nil {
		return err
	}
	for i := range b.outs {
		if b.outs[i].step == stepWrite {
			b.wg.Add(1)
			p.pool.queue(p.ctx, task{o: &b.outs[i], b: b})
		}
	}
	p.commits.pages <- b
	return nil
}

// drain waits until every submitted page is committed.
func (p *pass) drain() {
	b := &batch{done: make(chan struct{})}
	p.commits.pages <- b
	<-b.done
}

// finish commits everything, gives transient failures a second attempt,
// stops the workers and the committer and returns the error that stopped
// the flow, if any.
func (p *pass) finish() error {
	defer p.stop.cancel()
	if p.pool != nil {
		p.drain()
		p.retryLater()
		p.pool.shutdown()
		p.commits.shutdown()
		p.wg.Wait()
	}
	return p.err()
}

// retryLater tries the transient failures once more, after a pause.
func (p *pass) retryLater() {
	later := p.later.take()
	if len(later) == 0 || p.err() != nil {
		return
	}
	select {
	case <-time.After(retryPause):
	case <-p.ctx.Done():
		return
	}
	for i := range later {
		later[i].again()
	}
	for start := 0; start < len(later); start += 100 {
		if p.err() != nil || p.send(&batch{outs: later[start:min(start+100, len(later))]}) != nil {
			break
		}
	}
	p.drain()
}

// abort stops the flow with err; the first error wins.
func (p *pass) abort(err error) { p.stop.abort(err) }

// err is the error that stopped the flow, or nil.
func (p *pass) err() error { return p.stop.err() }

// stopper holds the first error that stops a flow and cancels the flow's
// context with it. It is safe for concurrent use.
type stopper struct {
	mu      sync.Mutex
	failure error
	cancel  context.CancelFunc
}

// abort stops the flow with err; the first error wins.
func (s *stopper) abort(err error) {
	s.mu.Lock()
	if s.failure == nil {
		s.failure = err
	}
	s.mu.Unlock()
	s.cancel()
}

// err is the error that stopped the flow, or nil.
func (s *stopper) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failure
}

// retries keeps the transient failures of a flow for a second attempt.
// It is safe for concurrent use.
type retries struct {
	mu    sync.Mutex
	later []outcome
	final bool // the second attempt: transient failures go to the ledger
}

// sift returns the outcomes of a page to commit now, keeping transient
// failures for the second attempt instead.
func (rs *retries) sift(outs []outcome) []*outcome {
	done := make([]*outcome, 0, len(outs))
	for i := range outs {
		if outs[i].step != stepFailed || !rs.keep(outs[i]) {
			done = append(done, &outs[i])
		}
	}
	return done
}

// keep takes a transient failure for the second attempt; false means it
// goes to the ledger now.
func (rs *retries) keep(o outcome) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.final || !o.retry || len(rs.later) >= maxLater {
		return false
	}
	rs.later = append(rs.later, o)
	return true
}

// take hands over the kept failures; later ones go to the ledger.
func (rs *retries) take() []outcome {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	later := rs.later
	rs.later, rs.final = nil, true
	return later
}
