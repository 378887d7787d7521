package mock

import (
	"context"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// faults decides, per request, which faults the server injects. The
// decisions come from a random source seeded by Options.Seed: the same
// sequence of requests meets the same faults.
//
// A faults value is safe for concurrent use.
type faults struct {
	opts Options
	lim  *rate.Limiter // nil when unlimited

	mu  sync.Mutex
	rng *rand.Rand
}

// draw is the fault decision for one request. Every request consumes the
// same number of random values, so decisions do not depend on the rates of
// other faults.
type draw struct {
	spike    bool
	reset    bool
	fail     bool
	truncate bool
	cut      float64 // share of a truncated page that is kept, in [0,1)
}

func newFaults(o Options) *faults {
	f := &faults{opts: o, rng: rand.New(rand.NewPCG(uint64(o.Seed), 0xfa17))}
	if o.RateLimit > 0 {
		f.lim = rate.NewLimiter(rate.Limit(o.RateLimit), rateBurst(o))
	}
	return f
}

// rateBurst is Options.RateBurst, or a tenth of a second's requests (at
// least 1) when it is zero.
func rateBurst(o Options) int {
	if o.RateBurst > 0 {
		return o.RateBurst
	}
	return max(1, int(o.RateLimit/10))
}

// next draws the faults of one request.
func (f *faults) next() draw {
	f.mu.Lock()
	defer f.mu.Unlock()
	return draw{
		spike:    f.rng.Float64() < f.opts.LatencySpikeRate,
		reset:    f.rng.Float64() < f.opts.ResetRate,
		fail:     f.rng.Float64() < f.opts.ErrorRate,
		truncate: f.rng.Float64() < f.opts.TruncateRate,
		cut:      f.rng.Float64(),
	}
}

// delay is the latency added to a request.
func (f *faults) delay(d draw) time.Duration {
	if d.spike {
		return f.opts.Latency + f.opts.LatencySpike
	}
	return f.opts.Latency
}

// admit takes a token of the rate limit and sets the X-RateLimit headers.
// When no token is left it returns false and the whole seconds to wait.
func (f *faults) admit(now time.Time, h http.Header) (ok bool, retryAfter int) {
	if f.lim == nil {
		return true, 0
	}
	ok = f.lim.AllowN(now, 1)
	tokens := f.lim.TokensAt(now)
	h.Set("X-RateLimit-Limit", strconv.Itoa(int(math.Ceil(f.opts.RateLimit))))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, int(tokens))))
	if ok {
		full := (float64(f.lim.Burst()) - tokens) / f.opts.RateLimit
		h.Set("X-RateLimit-Reset", strconv.Itoa(int(math.Ceil(full))))
		return true, 0
	}
	retryAfter = max(1, int(math.Ceil((1-tokens)/f.opts.RateLimit)))
	h.Set("X-RateLimit-Reset", strconv.Itoa(retryAfter))
	h.Set("Retry-After", strconv.Itoa(retryAfter))
	return false, retryAfter
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// resetConn drops the connection under w without a response. On a TCP
// connection it sets SO_LINGER to 0, so the client sees a reset rather
// than an orderly close. When w cannot be hijacked (HTTP/2), it aborts the
// handler with http.ErrAbortHandler, which net/http turns into a stream
// reset.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // best effort: without it the close is orderly
	}
	_ = conn.Close() // the point is to drop it; an error changes nothing
}
