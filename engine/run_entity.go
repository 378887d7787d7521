package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/specsync/specsync/connectors"
)

// reading is what a flow knows about its listing while it runs.
type reading struct {
	full     bool
	since    time.Time
	started  time.Time
	complete bool
	cursor   time.Time
	failed   map[string]bool // ledger keys; true once seen
	mu       sync.Mutex      // guards seen
	seen     []uint64        // key hashes seen, on a full read
}

// syncFlow reads every page of a flow's source and writes what changed,
// then retries the flow's ledger entries the listing did not return,
// then the transient failures, and finally stores the cursor and finds
// deletes. Only errors that stop the run are returned.
func (r *run) syncFlow(ctx context.Context, f *flow) error {
	if err := r.startFlow(ctx, f); err != nil {
		return err
	}
	if len(r.opts.Keys) > 0 {
		return r.syncKeys(ctx, f)
	}
	rd, err := r.newReading(ctx, f)
	if err != nil {
		return err
	}
	r.sum.entity(f).Full = rd.full
	if r.opts.Progress != nil {
		if r.totals[f], err = r.state.Count(ctx, f.dir, f.entity); err != nil {
			return err
		}
	}
	p := r.newPipeline(ctx, f, rd)
	if err := r.readAll(ctx, f, rd, p); err != nil {
		p.abort(err)
	}
	if p.err() == nil {
		r.retryLedger(ctx, f, rd, p)
	}
	if err := p.finish(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // writes were cut short: no cursor, no deletes
	}
	return r.finishRead(ctx, f, rd)
}

// newReading decides between a full and an incremental read and loads
// the flow's ledger keys.
func (r *run) newReading(ctx context.Context, f *flow) (*reading, error) {
	rd := &reading{full: true, started: r.eng.cfg.Clock.Now()}
	if !r.opts.Full && f.src.ent.Incremental != nil {
		due, err := r.state.FullReadDue(ctx, f.dir, f.entity, r.inst.Options.FullReadInterval())
		if err != nil {
			return nil, err
		}
		if !due {
			if rd.since, err = r.cursorTime(ctx, f); err != nil {
				return nil, err
			}
			rd.full = rd.since.IsZero()
		}
	}
	keys, err := r.ledger.Keys(ctx, f.dir, f.entity)
	if err != nil {
		return nil, err
	}
	rd.failed = make(map[string]bool, len(keys))
	for _, k := range keys {
		rd.failed[k] = false
	}
	return rd, nil
}

// cursorTime reads the stored cursor of a flow.
func (r *run) cursorTime(ctx context.Context, f *flow) (time.Time, error) {
	c, err := r.state.Cursor(ctx, f.dir, f.entity)
	if err != nil || c == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, c)
	if err != nil {
		r.log.Warn("stored cursor is not a time; reading everything", "flow", f.label(), "cursor", c)
		return time.Time{}, nil
	}
	return t, nil
}

// readAll lists the flow's source page by page. A listing that fails is
// incomplete: the run goes on without deletes or a new cursor for the
// flow; only a failure that stops the run is returned.
func (r *run) readAll(ctx context.Context, f *flow, rd *reading, p *pipeline) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages, stop := prefetch(ctx, f, rd.since)
	defer stop()
	loaded := r.loadAhead(ctx, f, pages)
	defer func() {
		cancel()
		for range loaded {
		}
	}()
	var before []*item
	for got := range loaded {
		if got.err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return r.listFailed(f, got.err)
		}
		if r.dry {
			got.items, got.loadErr = r.load(ctx, f, got.page.Records)
		}
		if got.loadErr != nil {
			return got.loadErr
		}
		skipRepeats(before, got.items)
		if err := r.queuePage(f, rd, p, got.items); err != nil {
			return err
		}
		before = got.items
		if got.page.Complete {
			rd.complete, rd.cursor = true, got.page.NextCursor
		}
	}
	return nil
}

// loadedPage is a page of a listing with its records loaded.
type loadedPage struct {
	fetched
	items   []*item
	loadErr error
}

// loadAhead loads listed pages (records read, related records resolved,
// state loaded), two at a time, while the caller decides and queues the
// pages before, and hands them over in order: the round trips of one
// page overlap the work on the others. A plan's pages are left to the
// caller to load in turn, since the ids one page plans feed the next.
func (r *run) loadAhead(ctx context.Context, f *flow, pages <-chan fetched) <-chan loadedPage {
	order := make(chan chan loadedPage, 1)
	go func() {
		defer close(order)
		for got := range pages {
			done := make(chan loadedPage, 1)
			go func() {
				l := loadedPage{fetched: got}
				if got.err == nil && !r.dry {
					l.items, l.loadErr = r.load(ctx, f, got.page.Records)
				}
				done <- l
			}()
			select {
			case order <- done:
			case <-ctx.Done():
				return
			}
		}
	}()
	out := make(chan loadedPage)
	go func() {
		defer close(out)
		for done := range order {
			l := <-done // every load ends, soon once ctx is done
			select {
			case out <- l:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// skipRepeats skips the records the page before already listed. A
// listing paged by offset repeats a record when one before it was added
// in between; the first copy is written, and a second one would race it
// (against a partner without upsert, both could create it).
func skipRepeats(before, items []*item) {
	if len(before) == 0 {
		return
	}
	keys := make(map[string]bool, len(before))
	for _, it := range before {
		keys[it.key] = true
	}
	for _, it := range items {
		if it.step == stepPending && it.key != "" && keys[it.key] {
			it.skip(noteRepeated)
		}
	}
}

// fetched is one step of a listing.
type fetched struct {
	page *connectors.Page
	err  error
}

// prefetch lists a flow's source in the background, one page ahead of
// the caller, so that reading the next page overlaps with processing this
// one. stop ends the listing and waits for it.
func prefetch(ctx context.Context, f *flow, since time.Time) (<-chan fetched, func()) {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan fetched, 1)
	go func() {
		defer close(out)
		for page, err := range f.src.client.List(ctx, f.src.name, connectors.ListOptions{Since: since}) {
			select {
			case out <- fetched{page: page, err: err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, func() {
		cancel()
		for range out {
		}
	}
}

// listFailed records a failed listing; it stops the run only when no
// request to the system can succeed.
func (r *run) listFailed(f *flow, err error) error {
	if connectors.Classify(err) == connectors.GiveUp {
		return fmt.Errorf("%s: listing: %w", f.label(), err)
	}
	r.sum.warn(f, "the listing failed, so this run neither deletes nor moves the cursor of %s: %v", f.entity, err)
	r.sum.entity(f).Incomplete = true
	return nil
}

// finishRead stores the cursor and the time of a complete read and, after
// a complete full read, collects the flow's delete candidates.
func (r *run) finishRead(ctx context.Context, f *flow, rd *reading) error {
	if !rd.complete || r.dry {
		if rd.complete && rd.full {
			return r.findDeletes(ctx, f, rd)
		}
		return nil
	}
	cursor := ""
	if !rd.cursor.IsZero() {
		cursor = rd.cursor.UTC().Format(time.RFC3339Nano)
	}
	if err := r.state.SetCursor(ctx, f.dir, f.entity, cursor); err != nil {
		return err
	}
	if !rd.full {
		return nil
	}
	if err := r.state.SetFullRead(ctx, f.dir, f.entity, rd.started); err != nil {
		return err
	}
	return r.findDeletes(ctx, f, rd)
}

// markSeen notes the keys of a page: for delete detection on a full read,
// and to know which ledger entries the listing returned.
func (rd *reading) markSeen(items []*item) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	for _, it := range items {
		if it.key == "" {
			continue
		}
		if _, ok := rd.failed[it.key]; ok {
			rd.failed[it.key] = true
		}
		if rd.full && it.note != noteFiltered {
			rd.seen = append(rd.seen, keyHash(it.key))
		}
	}
}

// seenKey notes a key that a write gave a record during the run.
func (rd *reading) seenKey(key string) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.full {
		rd.seen = append(rd.seen, keyHash(key))
	}
}

// sortSeen prepares the seen hashes for lookups.
func (rd *reading) sortSeen() { slices.Sort(rd.seen) }

// wasSeen reports whether a key was read.
func (rd *reading) wasSeen(key string) bool {
	_, ok := slices.BinarySearch(rd.seen, keyHash(key))
	return ok
}
