package connectors

import (
	"context"
	"time"
)

// Clock tells the time and waits. The rate limiter, the backoff between
// retries and token expiry use it, so tests can run them without sleeping.
// Implementations must be safe for concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx is done, in which case it returns
	// ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the Clock of the real world.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
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

// WaitReason tells why a connector waits. A Clock reads it from the
// context of Sleep with WaitReasonOf, to tell rate limits from backoff.
type WaitReason string

// The reasons a connector waits.
const (
	// WaitRateLimit is a wait for the spec's rate limit, or for a pause
	// the system asked the instance's requests to make.
	WaitRateLimit WaitReason = "rate-limit"
	// WaitRetryAfter is the wait a 429 or 503 asked for before its
	// request is repeated.
	WaitRetryAfter WaitReason = "retry-after"
	// WaitBackoff is the backoff before a failed request is repeated.
	WaitBackoff WaitReason = "backoff"
)

// waitReasonKey is the context key of a WaitReason.
type waitReasonKey struct{}

// WaitReasonOf returns the reason of a wait from the context given to
// Clock.Sleep, or "" when the connector gave none.
func WaitReasonOf(ctx context.Context) WaitReason {
	r, _ := ctx.Value(waitReasonKey{}).(WaitReason)
	return r
}

// WithWaitReason returns ctx telling a Clock the reason of its wait.
func WithWaitReason(ctx context.Context, r WaitReason) context.Context {
	return context.WithValue(ctx, waitReasonKey{}, r)
}

// sleep waits on c for d, telling c why. A wait of zero or less needs no
// reason (and no new context).
func sleep(ctx context.Context, c Clock, reason WaitReason, d time.Duration) error {
	if d > 0 {
		ctx = WithWaitReason(ctx, reason)
	}
	return c.Sleep(ctx, d)
}
