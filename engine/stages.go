package engine

import (
	"context"
	"sync"
	"time"

	"github.com/specsync/specsync/connectors"
)

// stages are the stages of a run, in the order a record passes them. Each
// owns its state and hands the next, per page, a slice of typed values:
//
//	read    stage_read.go    API objects -> []source: key, model record,
//	                         related records, what the state knows
//	match   stage_match.go   on push, with a `match` step: the partner
//	                         record of each []source without a partner id
//	map     stage_map.go     []source -> []mapped: `when`, write mapping,
//	                         payload hash
//	decide  stage_decide.go  []mapped -> []decision: unchanged, echo,
//	                         create, update, adopt, conflict, denied
//	write   stage_write.go   []decision -> []outcome: a pool of workers
//	                         sends the writes
//	commit  stage_commit.go  []outcome -> state, ledger, audit log and
//	                         summary, page by page in order
//
// A push reads the home system and writes the partner; a pull is the
// mirror. The driver below takes a flow (a direction and entity) through
// its pages: readAhead runs the read stage a page or two ahead, queuePage
// runs map and decide, and a pass runs the write and commit stages
// concurrently with the next pages.
type stages struct {
	read   *readStage
	match  *matchStage
	mapper *mapStage
	decide *decideStage
	write  *writeStage
	commit *commitStage
}

// newStages builds the stages of a run.
func newStages(e *Engine, r *run, home *connectors.Client) stages {
	j := r.job
	read := newReadStage(j, home, r.state, r.flows, r.tally.planned)
	mapper := &mapStage{job: j}
	return stages{
		read:   read,
		match:  newMatchStage(j),
		mapper: mapper,
		decide: &decideStage{perms: j.inst.Permissions, instance: j.inst.ID},
		write:  &writeStage{job: j, state: r.state, workers: j.inst.Options.Workers()},
		commit: newCommitStage(e, r, echoer{read: read, mapper: mapper, flows: r.flows}),
	}
}

// syncFlow reads every page of a flow's source and writes what changed,
// then retries the flow's ledger entries the listing did not return,
// then, after an incremental read, maps again the records whose included
// records changed (syncDependents), then the transient failures, and
// finally stores the cursor and finds deletes. Only errors that stop the
// run are returned.
func (r *run) syncFlow(ctx context.Context, f *flow) (err error) {
	ctx, span := r.startFlowSpan(ctx, f)
	defer func() { endSpan(span, err) }()
	if err := r.stages.read.startFlow(ctx, f); err != nil {
		return err
	}
	if r.opts.KeysDeleted {
		return r.syncDeletedKeys(ctx, f)
	}
	if len(r.opts.Keys) > 0 {
		return r.syncKeys(ctx, f)
	}
	rd, err := r.newReading(ctx, f)
	if err != nil {
		return err
	}
	r.tally.sum.entity(f).Full = rd.full
	if err := r.tally.startFlow(ctx, r.state, f); err != nil {
		return err
	}
	p := r.newPass(ctx, f, rd)
	if err := r.readAll(ctx, f, rd, p); err != nil {
		p.abort(err)
	}
	if p.err() == nil {
		r.retryLedger(ctx, f, rd, p)
		r.syncDependents(ctx, f, rd, p)
	}
	if err := p.finish(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // writes were cut short: no cursor, no deletes
	}
	return r.finishRead(ctx, f, rd)
}

// readAll lists the flow's source page by page. A listing that fails is
// incomplete: the run goes on without deletes or a new cursor for the
// flow; only a failure that stops the run is returned.
func (r *run) readAll(ctx context.Context, f *flow, rd *reading, p *pass) error {
	ahead := newReadAhead(ctx, f, rd.since, r.aheadReader())
	var wg sync.WaitGroup
	ahead.start(&wg)
	defer func() {
		ahead.shutdown()
		wg.Wait()
	}()
	var before []source
	for got := range ahead.out {
		if got.err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return r.listFailed(f, got.err)
		}
		if r.dry {
			got.src, got.readErr = r.stages.read.page(ctx, f, got.page.Records, got.page.Flaws)
		}
		if got.readErr != nil {
			return got.readErr
		}
		if err := r.queuePage(ctx, f, rd, p, got.src, pageKeys(before)); err != nil {
			return err
		}
		before = got.src
		if got.page.Complete {
			rd.complete, rd.cursor = true, got.page.NextCursor
		}
	}
	return nil
}

// aheadReader is the read stage that reads pages ahead of the driver;
// nil for a plan, whose pages are read in turn, since the ids one page
// plans feed the next.
func (r *run) aheadReader() *readStage {
	if r.dry {
		return nil
	}
	return r.stages.read
}

// processPage reads a page of source objects and hands it on.
func (r *run) processPage(ctx context.Context, f *flow, rd *reading, p *pass, objs []map[string]any) error {
	src, err := r.stages.read.page(ctx, f, objs, nil)
	if err != nil {
		return err
	}
	return r.queuePage(ctx, f, rd, p, src, nil)
}

// queuePage takes a read page through the match, map and decide stages
// and hands the decisions to the write stage (or, for a plan, records
// what would happen). repeated holds the keys the page before listed.
func (r *run) queuePage(ctx context.Context, f *flow, rd *reading, p *pass, src []source, repeated map[string]bool) error {
	if err := r.stages.match.page(ctx, f, src); err != nil {
		return err
	}
	maps := r.stages.mapper.page(f, src, repeated)
	decs := r.stages.decide.page(f, maps)
	rd.markSeen(decs)
	r.tally.read(f, len(decs))
	r.tally.sum.repaired(f, src)
	if r.dry {
		r.tally.planPage(f, decs)
		return nil
	}
	return p.submit(decs)
}

// pageKeys is the set of keys of a page, for skipping the records the next
// page lists again; nil for none.
func pageKeys(src []source) map[string]bool {
	if len(src) == 0 {
		return nil
	}
	keys := make(map[string]bool, len(src))
	for i := range src {
		keys[src[i].key] = true
	}
	return keys
}

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
	// confirms records the answers of creates as they arrive.
	confirms *confirmWriter
	later    *retries
	wg       sync.WaitGroup
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
	p.confirms = newConfirmWriter(r.state)
	p.pool = r.stages.write.pool(ctx, f, p.confirms, p.stop.abort)
	p.commits = r.stages.commit.committer(context.WithoutCancel(ctx), f, rd, p.later, p.confirms, p.stop.abort)
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

// send queues the writes of a batch and then the batch for its commit.
func (p *pass) send(b *batch) error {
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
		p.confirms.close()
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

// readPage is one page of a listing, read by the read stage ahead of the
// driver.
type readPage struct {
	page    *connectors.Page
	err     error // of the listing
	src     []source
	readErr error // of reading the page: it stops the run
}

// readAhead lists a flow's source one page ahead of the driver and reads
// the listed pages (records, related records, state), two at a time,
// while the driver works on the pages before: the round trips of one page
// overlap the work on the others. It hands the pages over in order on
// out. Without a read stage it only lists.
type readAhead struct {
	ctx    context.Context
	cancel context.CancelFunc
	f      *flow
	since  time.Time
	read   *readStage
	listed chan readPage
	order  chan chan readPage
	out    chan readPage
}

// newReadAhead prepares the read-ahead of a flow's listing.
func newReadAhead(ctx context.Context, f *flow, since time.Time, read *readStage) *readAhead {
	ctx, cancel := context.WithCancel(ctx)
	return &readAhead{ctx: ctx, cancel: cancel, f: f, since: since, read: read,
		listed: make(chan readPage, 1), order: make(chan chan readPage, 1), out: make(chan readPage)}
}

// start starts the listing, the reading and the hand-over.
func (a *readAhead) start(wg *sync.WaitGroup) {
	wg.Add(3)
	go func() { defer wg.Done(); a.list() }()
	go func() { defer wg.Done(); a.readPages(wg) }()
	go func() { defer wg.Done(); a.handOver() }()
}

// shutdown stops the listing and the reading and drops what is left.
func (a *readAhead) shutdown() {
	a.cancel()
	for range a.out {
	}
}

// list lists the source until its end or the shutdown.
func (a *readAhead) list() {
	defer close(a.listed)
	for page, err := range a.f.src.client.List(a.ctx, a.f.src.name, listSince(a.f, a.since)) {
		select {
		case a.listed <- readPage{page: page, err: err}:
		case <-a.ctx.Done():
			return
		}
	}
}

// readPages reads each listed page in its own goroutine and queues its
// result in listing order.
func (a *readAhead) readPages(wg *sync.WaitGroup) {
	defer close(a.order)
	for got := range a.listed {
		done := make(chan readPage, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got.err == nil && a.read != nil {
				got.src, got.readErr = a.read.page(a.ctx, a.f, got.page.Records, got.page.Flaws)
			}
			done <- got
		}()
		select {
		case a.order <- done:
		case <-a.ctx.Done():
			return
		}
	}
}

// handOver passes the read pages on in order.
func (a *readAhead) handOver() {
	defer close(a.out)
	for done := range a.order {
		got := <-done // every read ends, soon once ctx is done
		select {
		case a.out <- got:
		case <-a.ctx.Done():
			return
		}
	}
}
