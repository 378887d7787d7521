package connectors

import (
	"context"
	"time"

	"github.com/specsync/specsync/internal/clock"
)

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
func sleep(ctx context.Context, c clock.Clock, reason WaitReason, d time.Duration) error {
	if d > 0 {
		ctx = WithWaitReason(ctx, reason)
	}
	return c.Sleep(ctx, d)
}
