package connectors

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestDeadlinesEndLateAttemptsOnly: the watchdog ends an attempt that runs
// past the timeout with a deadline error, leaves quick ones alone, and the
// slot serves the next attempt with a fresh context.
func TestDeadlinesEndLateAttemptsOnly(t *testing.T) {
	t.Parallel()
	d := newDeadlines(2, 40*time.Millisecond)
	s, err := d.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.ctx().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("an attempt past the timeout was not ended")
	}
	if cause := context.Cause(s.ctx()); !errors.Is(cause, context.DeadlineExceeded) {
		t.Errorf("cause = %v; want a deadline error", cause)
	}
	// What the transport returns for a canceled request says canceled;
	// release tells it was the timeout.
	if err := d.release(s, context.Canceled); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("release = %v; want a deadline error", err)
	}

	end := time.Now().Add(200 * time.Millisecond)
	for n := 0; time.Now().Before(end); n++ {
		s, err := d.acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ctx().Err(); err != nil {
			t.Fatalf("attempt %d got an ended context: %v", n, err)
		}
		if err := d.release(s, nil); err != nil {
			t.Fatalf("attempt %d: release = %v", n, err)
		}
	}
}

// TestDeadlinesFollowTheCallersContext: a slot's context ends with its
// caller's, as canceled, not timed out; a slot lends one context to the
// attempts of one caller context and makes a new one for another.
func TestDeadlinesFollowTheCallersContext(t *testing.T) {
	t.Parallel()
	d := newDeadlines(1, time.Minute)
	parent, cancel := context.WithCancel(context.Background())
	s, err := d.acquire(parent)
	if err != nil {
		t.Fatal(err)
	}
	first := s.ctx()
	if err := d.release(s, nil); err != nil {
		t.Fatal(err)
	}
	s, _ = d.acquire(parent)
	if s.ctx() != first {
		t.Error("a second attempt with the same context got a new one")
	}
	cancel()
	<-s.ctx().Done()
	if err := d.release(s, context.Canceled); !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("release = %v; want canceled, not a deadline", err)
	}
	s, _ = d.acquire(context.Background())
	if s.ctx() == first || s.ctx().Err() != nil {
		t.Error("an attempt after the caller's context ended got the ended context")
	}
	d.release(s, nil)
}

// TestDeadlinesBoundConcurrency: with every slot taken, acquire waits,
// and gives up with the caller's context.
func TestDeadlinesBoundConcurrency(t *testing.T) {
	t.Parallel()
	d := newDeadlines(1, time.Minute)
	s, _ := d.acquire(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := d.acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire with no free slot = %v; want the caller's deadline", err)
	}
	d.release(s, nil)
	if s2, err := d.acquire(context.Background()); err != nil || s2 != s {
		t.Fatalf("acquire after a release = %v, %v; want the freed slot", s2, err)
	}
}
