package clock

import (
	"context"
	"sync"
	"time"
)

// Manual is a Clock for tests: its time moves only when told (Set,
// Advance) or when something sleeps on it, and Sleep returns at once, so
// backoff, Retry-After, token expiry and schedules run without waiting.
// It records every sleep. It is safe for concurrent use.
type Manual struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

// NewManual returns a Manual clock set to start.
func NewManual(start time.Time) *Manual { return &Manual{now: start} }

var _ Clock = (*Manual)(nil)

// Now returns the clock's time.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock forward by d and returns at once, or returns ctx's
// error when it is already done.
func (c *Manual) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	c.slept = append(c.slept, d)
	return nil
}

// Set moves the clock to t, forward or back, without recording a sleep.
func (c *Manual) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d without recording a sleep.
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Slept returns the durations passed to Sleep, in order.
func (c *Manual) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}
