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

// queueDepth is how many writes may wait for a worker: enough for a whole
// page, so the flow prepares the next page while the workers send this
// one instead of leaving them idle in between.
const queueDepth = 1024

// pipeline writes the pages of one flow: a pool of workers sends the
// writes while the flow prepares the next page, and a committer records
// each page once all its writes are answered, in page order. At most a
// few pages are in flight, so memory does not grow with the data set.
type pipeline struct {
	r         *run
	f         *flow
	rd        *reading
	ctx       context.Context
	cancel    context.CancelFunc
	tasks     chan task
	pages     chan *batch
	workers   sync.WaitGroup
	committed chan struct{}
	mu        sync.Mutex
	failure   error
	later     []*item
	final     bool // the second attempt: transient failures go to the ledger
}

// task is one write of a batch.
type task struct {
	it *item
	b  *batch
}

// batch is one page's items; done is closed when it is committed.
type batch struct {
	items []*item
	wg    sync.WaitGroup
	done  chan struct{}
}

// newPipeline starts the workers and the committer of a flow.
func (r *run) newPipeline(ctx context.Context, f *flow, rd *reading) *pipeline {
	pctx, cancel := context.WithCancel(ctx)
	p := &pipeline{r: r, f: f, rd: rd, ctx: pctx, cancel: cancel,
		tasks: make(chan task, queueDepth), pages: make(chan *batch, 2), committed: make(chan struct{})}
	if r.dry {
		close(p.committed)
		return p
	}
	for range r.workers {
		p.workers.Add(1)
		go p.work()
	}
	go p.commit()
	return p
}

// work sends writes until the task channel closes.
func (p *pipeline) work() {
	defer p.workers.Done()
	for t := range p.tasks {
		if err := p.ctx.Err(); err != nil {
			// Queued before the flow stopped: not sent.
			t.it.failErr(codeAborted, err)
		} else if err := p.r.write(p.ctx, p.f, t.it); err != nil {
			p.abort(err)
		}
		t.b.wg.Done()
	}
}

// commit records batches in order as their writes finish.
func (p *pipeline) commit() {
	defer close(p.committed)
	ctx := context.WithoutCancel(p.ctx)
	for b := range p.pages {
		b.wg.Wait()
		if len(b.items) > 0 {
			if err := p.r.commitPage(ctx, p, b.items); err != nil {
				p.abort(err)
			}
		}
		if b.done != nil {
			close(b.done)
		}
	}
}

// submit records the create intents of a page and queues its writes.
func (p *pipeline) submit(items []*item) error {
	if err := p.err(); err != nil {
		return err
	}
	if err := p.r.markIntents(p.ctx, p.f, items); err != nil {
		return err
	}
	b := &batch{items: items}
	for _, it := range items {
		if it.step == stepWrite {
			p.queue(b, it)
		}
	}
	p.pages <- b
	return nil
}

// queue hands one write to the workers, unless the run is stopping.
func (p *pipeline) queue(b *batch, it *item) {
	b.wg.Add(1)
	select {
	case p.tasks <- task{it: it, b: b}:
	case <-p.ctx.Done():
		it.failErr(codeAborted, p.ctx.Err())
		b.wg.Done()
	}
}

// drain waits until every submitted page is committed.
func (p *pipeline) drain() {
	b := &batch{done: make(chan struct{})}
	p.pages <- b
	<-b.done
}

// finish commits everything, gives transient failures a second attempt,
// stops the workers and returns the error that stopped the flow, if any.
func (p *pipeline) finish() error {
	defer p.cancel()
	if !p.r.dry {
		p.drain()
		p.retryLater()
		close(p.tasks)
		close(p.pages)
		p.workers.Wait()
	}
	<-p.committed
	return p.err()
}

// retryLater tries the transient failures once more, after a pause.
func (p *pipeline) retryLater() {
	p.mu.Lock()
	later := p.later
	p.later, p.final = nil, true
	p.mu.Unlock()
	if len(later) == 0 || p.err() != nil {
		return
	}
	select {
	case <-time.After(retryPause):
	case <-p.ctx.Done():
		return
	}
	for _, it := range later {
		it.step, it.fail, it.retry, it.status = stepWrite, nil, false, 0
	}
	for start := 0; start < len(later); start += 100 {
		if p.submit(later[start:min(start+100, len(later))]) != nil {
			break
		}
	}
	p.drain()
}

// keepForLater takes a transient failure for the second attempt; false
// means it goes to the ledger now.
func (p *pipeline) keepForLater(it *item) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.final || !it.retry || len(p.later) >= maxLater {
		return false
	}
	p.later = append(p.later, it)
	return true
}

// abort stops the flow with err; the first error wins.
func (p *pipeline) abort(err error) {
	p.mu.Lock()
	if p.failure == nil {
		p.failure = err
	}
	p.mu.Unlock()
	p.cancel()
}

// err is the error that stopped the flow, or nil.
func (p *pipeline) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failure
}
