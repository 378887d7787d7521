package connectors

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
)

// limiter paces requests. Implementations are safe for concurrent use.
type limiter interface {
	// wait returns when the next request may be sent, or with ctx's error.
	wait(ctx context.Context) error
	// pause holds every request back for d, after the system answered 429
	// or 503 with a wait.
	pause(ctx context.Context, d time.Duration) error
}

// rateOf returns the rate limit's emission interval and burst; ok is false
// when the spec sets no limit.
func rateOf(r *specs.RateLimit) (interval time.Duration, burst int, ok bool) {
	if r == nil || r.Requests <= 0 {
		return 0, 0, false
	}
	per := r.Per.Std()
	if per <= 0 {
		per = time.Second
	}
	burst = r.Burst
	if burst <= 0 {
		burst = r.Requests
	}
	return per / time.Duration(r.Requests), burst, true
}

// localLimiter limits one client with golang.org/x/time/rate, on the
// client's Clock. With no rate (lim nil) it only honours pauses.
type localLimiter struct {
	lim   *rate.Limiter
	clock clock.Clock

	mu          sync.Mutex
	pausedUntil time.Time
}

func newLocalLimiter(r *specs.RateLimit, c clock.Clock) *localLimiter {
	l := &localLimiter{clock: c}
	if interval, burst, ok := rateOf(r); ok {
		l.lim = rate.NewLimiter(rate.Every(interval), burst)
	}
	return l
}

func (l *localLimiter) wait(ctx context.Context) error {
	if err := l.waitPause(ctx); err != nil {
		return err
	}
	if l.lim == nil {
		return nil
	}
	now := l.clock.Now()
	res := l.lim.ReserveN(now, 1)
	if !res.OK() {
		return fmt.Errorf("rate limit: burst is smaller than one request")
	}
	if err := sleep(ctx, l.clock, WaitRateLimit, res.DelayFrom(now)); err != nil {
		res.CancelAt(l.clock.Now())
		return err
	}
	return nil
}

func (l *localLimiter) waitPause(ctx context.Context) error {
	l.mu.Lock()
	until := l.pausedUntil
	l.mu.Unlock()
	if d := until.Sub(l.clock.Now()); d > 0 {
		return sleep(ctx, l.clock, WaitRateLimit, d)
	}
	return nil
}

func (l *localLimiter) pause(_ context.Context, d time.Duration) error {
	until := l.clock.Now().Add(d)
	l.mu.Lock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
	l.mu.Unlock()
	return nil
}
