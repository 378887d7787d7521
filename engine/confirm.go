package engine

import (
	"context"
	"sync"
	"time"

	"github.com/specsync/specsync/engine/store"
)

// confirmWait is how long the confirmation writer gathers answers that
// arrive after the first before it writes them, and confirmBatch the most
// it writes in one round trip.
const (
	confirmWait  = 2 * time.Millisecond
	confirmBatch = 512
)

// confirmWriter records the intent of each create just before it is sent
// and its answer as soon as it arrives (store.State.Confirm), in the
// background: it writes whatever is pending in one pipelined round trip,
// the intents the workers wait for at once, the answers a few
// milliseconds after the first, so that a process killed before its page
// is committed loses at most the creates still in flight. The page commit still stores the rest
// (hashes, echoes, ledger, audit) and clears the intents; flush makes sure
// that no confirmation of a page is written after its commit.
//
// It is safe for concurrent use; close ends it.
type confirmWriter struct {
	state *store.State
	in    chan confirmItem
	done  chan struct{}
	mu    sync.Mutex
	err   error // the first failed write since the last flush
}

// confirmItem is one answer; or one intent, whose sender waits on sync;
// or, without a confirmation, a flush barrier.
type confirmItem struct {
	c    *store.Confirmation
	sync chan error
}

// newConfirmWriter starts a confirmation writer on state.
func newConfirmWriter(state *store.State) *confirmWriter {
	w := &confirmWriter{state: state, in: make(chan confirmItem, queueDepth), done: make(chan struct{})}
	go w.loop()
	return w
}

// confirm queues the answer to a create; it blocks only while the queue
// is full.
func (w *confirmWriter) confirm(c store.Confirmation) {
	w.in <- confirmItem{c: &c}
}

// mark records the intent of a create about to be sent and returns once
// it is stored: the intents of the creates the workers send at the same
// time share a round trip.
func (w *confirmWriter) mark(ctx context.Context, c store.Confirmation) error {
	c.Pending = true
	ch := make(chan error, 1)
	select {
	case w.in <- confirmItem{c: &c, sync: ch}:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-ch
}

// flush returns once every answer queued before it is written, with the
// first error of a write since the last flush.
func (w *confirmWriter) flush(ctx context.Context) error {
	ch := make(chan error, 1)
	select {
	case w.in <- confirmItem{sync: ch}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close writes what is queued and ends the writer.
func (w *confirmWriter) close() {
	close(w.in)
	<-w.done
}

// loop writes the queued items in batches until the writer is closed:
// answers a few milliseconds after the first, intents and barriers as
// soon as the queue holds nothing more. Writes are not cancelled with the
// run: an answer that arrived is worth keeping.
func (w *confirmWriter) loop() {
	defer close(w.done)
	ctx := context.Background()
	var b confirmBatchOf
	for item := range w.in {
		b.add(item)
		timer := time.NewTimer(confirmWait)
	gather:
		for len(b.items) < confirmBatch {
			if b.urgent() {
				select {
				case next, ok := <-w.in:
					if !ok {
						break gather
					}
					b.add(next)
					continue
				default:
					break gather
				}
			}
			select {
			case next, ok := <-w.in:
				if !ok {
					break gather
				}
				b.add(next)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		w.write(ctx, &b)
		b = confirmBatchOf{items: b.items[:0]}
	}
}

// confirmBatchOf is what the writer writes in one round trip: intents and
// answers, the senders waiting for their intents and the flush barriers.
type confirmBatchOf struct {
	items    []store.Confirmation
	marks    []chan error
	barriers []chan error
}

// add adds an item.
func (b *confirmBatchOf) add(item confirmItem) {
	switch {
	case item.c == nil:
		b.barriers = append(b.barriers, item.sync)
	case item.sync != nil:
		b.items = append(b.items, *item.c)
		b.marks = append(b.marks, item.sync)
	default:
		b.items = append(b.items, *item.c)
	}
}

// urgent reports whether someone waits for the batch.
func (b *confirmBatchOf) urgent() bool { return len(b.marks)+len(b.barriers) > 0 }

// write writes a batch, answers the senders of its intents with the
// result and its barriers with the first error of an answer's write
// since the last barrier.
func (w *confirmWriter) write(ctx context.Context, b *confirmBatchOf) {
	var err error
	if len(b.items) > 0 {
		err = w.state.Confirm(ctx, b.items)
	}
	for _, m := range b.marks {
		m <- err
	}
	w.mu.Lock()
	if err != nil && w.err == nil && len(b.items) > len(b.marks) {
		w.err = err
	}
	first := w.err
	if len(b.barriers) > 0 {
		w.err = nil
	}
	w.mu.Unlock()
	for _, ch := range b.barriers {
		ch <- first
	}
}
