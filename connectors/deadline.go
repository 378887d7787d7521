package connectors

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// A slot is one of the client's Concurrency places for an attempt. It
// keeps a cancelable context derived from its last caller's context and
// lends it to every attempt that comes with the same context, until the
// context ends. A context.WithTimeout per attempt would cost a timer, a
// registration with the caller's context (a lock all workers share) and
// a fresh registry for the transport's own context; a slot pays for them
// once, and one watchdog timer per client ends the attempts that run past
// Config.Timeout.
//
// Only the goroutine holding a slot touches parent, last and dead; the
// watchdog reads state and cur.
type slot struct {
	parent context.Context
	cur    atomic.Pointer[attemptContext]
	// state is 0 while the slot is free, the deadline (monotonic
	// nanoseconds) while an attempt runs, and timedOut once the watchdog
	// ended the attempt. Deadlines of one slot only grow, so a deadline
	// seen twice is the same attempt's.
	state atomic.Int64
	last  int64
	// dead tells that cur was ended by the watchdog and must be replaced.
	dead bool
}

// attemptContext is a slot's context and the function that ends it.
type attemptContext struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

const timedOut = -1

// deadlines lends slots and runs the watchdog.
type deadlines struct {
	timeout time.Duration
	tick    time.Duration
	epoch   time.Time
	free    chan *slot
	all     []*slot
	armed   atomic.Bool
	expired error // what ends an attempt past its deadline
}

// newDeadlines makes n slots whose attempts end after timeout, give or
// take an eighth of it.
func newDeadlines(n int, timeout time.Duration) *deadlines {
	d := &deadlines{
		timeout: timeout,
		tick:    max(timeout/8, time.Millisecond),
		epoch:   time.Now(),
		free:    make(chan *slot, n),
		all:     make([]*slot, n),
		expired: &timeoutError{timeout},
	}
	for i := range d.all {
		d.all[i] = &slot{}
		d.free <- d.all[i]
	}
	return d
}

// timeoutError ends an attempt that ran past Config.Timeout. It is a
// context.DeadlineExceeded, as the error of a context.WithTimeout would be.
type timeoutError struct{ timeout time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no complete answer within %v (Config.Timeout): %v", e.timeout, context.DeadlineExceeded)
}

func (e *timeoutError) Unwrap() error { return context.DeadlineExceeded }

// ctx is the context of the slot's attempt.
func (s *slot) ctx() context.Context { return s.cur.Load().ctx }

// now is the monotonic time in nanoseconds since the client was made,
// never 0 or negative.
func (d *deadlines) now() int64 { return int64(time.Since(d.epoch)) + 1 }

// acquire waits for a free slot and returns it, its context set for one
// attempt under ctx, or ctx's error.
func (d *deadlines) acquire(ctx context.Context) (*slot, error) {
	var s *slot
	select {
	case s = <-d.free:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if cur := s.cur.Load(); cur == nil || s.dead || s.parent != ctx || cur.ctx.Err() != nil {
		if cur != nil {
			cur.cancel(nil) // leave the old parent's list of children
		}
		actx, cancel := context.WithCancelCause(ctx)
		s.cur.Store(&attemptContext{actx, cancel})
		s.parent, s.dead = ctx, false
	}
	s.last = max(d.now()+int64(d.timeout), s.last+1)
	s.state.Store(s.last)
	if !d.armed.Load() && d.armed.CompareAndSwap(false, true) {
		time.AfterFunc(d.tick, d.watch)
	}
	return s, nil
}

// release gives the slot back. It returns err, or the timeout when the
// watchdog ended the attempt and err only says the context was canceled.
func (d *deadlines) release(s *slot, err error) error {
	if s.state.Swap(0) == timedOut {
		s.dead = true
		if err != nil && errors.Is(err, context.Canceled) && s.parent.Err() == nil {
			err = fmt.Errorf("%w: %w", d.expired, err)
		}
	}
	d.free <- s
	return err
}

// watch ends the attempts past their deadline and comes back while any
// attempt runs.
func (d *deadlines) watch() {
	if d.expire() {
		time.AfterFunc(d.tick, d.watch)
		return
	}
	d.armed.Store(false)
	// An attempt that started before the store saw the watchdog armed.
	if d.expire() && d.armed.CompareAndSwap(false, true) {
		time.AfterFunc(d.tick, d.watch)
	}
}

// expire cancels the attempts past their deadline and reports whether
// any attempt is still running.
func (d *deadlines) expire() bool {
	now, running := d.now(), false
	for _, s := range d.all {
		deadline := s.state.Load()
		if deadline <= 0 {
			continue
		}
		if now < deadline {
			running = true
			continue
		}
		// cur is loaded after the deadline was seen; if the swap finds
		// the same deadline, no attempt came in between and cur is the
		// attempt's.
		cur := s.cur.Load()
		if s.state.CompareAndSwap(deadline, timedOut) {
			cur.cancel(d.expired)
		}
	}
	return running
}
