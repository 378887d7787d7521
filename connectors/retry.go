package connectors

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/specsync/specsync/specs"
)

// retryPolicy is specs.Retry with its defaults applied.
type retryPolicy struct {
	maxAttempts int
	initial     time.Duration
	max         time.Duration
	budget      time.Duration
}

func newRetryPolicy(r *specs.Retry) retryPolicy {
	p := retryPolicy{maxAttempts: 5, initial: 200 * time.Millisecond, max: 30 * time.Second, budget: 2 * time.Minute}
	if r == nil {
		return p
	}
	if r.MaxAttempts > 0 {
		p.maxAttempts = r.MaxAttempts
	}
	if r.InitialBackoff > 0 {
		p.initial = r.InitialBackoff.Std()
	}
	if r.MaxBackoff > 0 {
		p.max = r.MaxBackoff.Std()
	}
	if r.Budget > 0 {
		p.budget = r.Budget.Std()
	}
	return p
}

// backoff returns the wait before attempt n+1 after n failed attempts:
// exponential with full jitter, a uniform draw in [0, min(max, initial*2^(n-1))].
func (p retryPolicy) backoff(n int) time.Duration {
	ceiling := p.initial
	for i := 1; i < n && ceiling < p.max; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.max)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// serverWait reads how long the server asked the client to wait, from
// Retry-After (delay seconds or an HTTP date) or, failing that,
// X-RateLimit-Reset. The reset header is read by magnitude, since systems
// disagree on its meaning: a value above 10^12 is an epoch time in
// milliseconds, above 10^9 an epoch time in seconds, anything smaller a
// number of seconds to wait. Zero means no wait was asked for.
func serverWait(h http.Header, now time.Time) time.Duration {
	if d, ok := retryAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	return rateLimitReset(h.Get("X-RateLimit-Reset"), now)
}

func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return max(0, time.Duration(secs)*time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

func rateLimitReset(v string, now time.Time) time.Duration {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || n <= 0 {
		return 0
	}
	switch {
	case n > 1e12:
		return max(0, time.UnixMilli(int64(n)).Sub(now))
	case n > 1e9:
		return max(0, time.Unix(int64(n), 0).Sub(now))
	}
	return time.Duration(n * float64(time.Second))
}
