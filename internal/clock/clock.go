// Package clock is the one Clock of the module: it tells the time and
// waits, so that rate limits, backoff, token expiry, schedules and the
// times written into state, ledger, audit and run records can all be
// controlled by a test. It is a leaf: it imports nothing of the module.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and waits. Implementations must be safe for
// concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx is done, in which case it returns
	// ctx.Err(). A d of zero or less returns ctx.Err() at once.
	Sleep(ctx context.Context, d time.Duration) error
}

// System is the Clock of the real world. Its zero value is ready to use.
type System struct{}

var _ Clock = System{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done.
func (System) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Or returns c, or System when c is nil: the zero value of a config that
// holds a Clock means the real one.
func Or(c Clock) Clock {
	if c == nil {
		return System{}
	}
	return c
}
