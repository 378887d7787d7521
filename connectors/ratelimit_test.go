package connectors_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// limitedSpec is a one-operation spec with a rate limit.
func limitedSpec(t *testing.T, url string, rl *specs.RateLimit) *specs.Spec {
	return serverSpec(t, url, &specs.Sync{System: "limited", RateLimit: rl, Entities: map[string]*specs.Entity{
		"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}},
	}})
}

// stampServer answers {} and records when each request arrived.
type stampServer struct {
	*httptest.Server
	mu     sync.Mutex
	stamps []time.Time
	status atomic.Int64 // answered once instead of 200 when set
	after  string
}

func newStampServer(t *testing.T) *stampServer {
	s := &stampServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.stamps = append(s.stamps, time.Now())
		s.mu.Unlock()
		if st := s.status.Swap(0); st != 0 {
			w.Header().Set("Retry-After", s.after)
			w.WriteHeader(int(st))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	}))
	t.Cleanup(s.Close)
	return s
}

// busiestWindow returns the most requests that arrived within any window
// of length d.
func (s *stampServer) busiestWindow(d time.Duration) int {
	s.mu.Lock()
	stamps := append([]time.Time(nil), s.stamps...)
	s.mu.Unlock()
	sort.Slice(stamps, func(i, j int) bool { return stamps[i].Before(stamps[j]) })
	best := 0
	for i := range stamps {
		j := i
		for j < len(stamps) && stamps[j].Sub(stamps[i]) < d {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

func get(t *testing.T, c *connectors.Client) {
	t.Helper()
	if _, err := c.Get(context.Background(), "item", transforms.Vars{}); err != nil {
		t.Error(err)
	}
}

func TestLocalRateLimitPacesRequests(t *testing.T) {
	t.Parallel()
	srv := newStampServer(t)
	clock := clock.NewManual(time.Now())
	c, err := connectors.New(limitedSpec(t, srv.URL, &specs.RateLimit{Requests: 2, Per: specs.Duration(time.Second), Burst: 1}), connectors.Config{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		get(t, c)
	}
	var total time.Duration
	for _, d := range clock.Slept() {
		total += d
	}
	if total != 2*time.Second {
		t.Errorf("waited %v in all for 5 requests at 2/s with burst 1; want 2s", total)
	}
}

func TestSharedRateLimitHoldsAcrossClients(t *testing.T) {
	rdb := redistest.New(t)
	srv := newStampServer(t)
	rl := &specs.RateLimit{Requests: 20, Per: specs.Duration(time.Second), Burst: 2, Concurrency: 4, Scope: specs.ScopeInstance}
	cfg := connectors.Config{Redis: rdb.Client, KeyPrefix: rdb.Prefix, Instance: "inst-1"}
	var clients []*connectors.Client
	for range 2 {
		c, err := connectors.New(limitedSpec(t, srv.URL, rl), cfg)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					get(t, c)
				}
			}()
		}
	}
	wg.Wait()
	// GCRA allows burst + requests in any window of one period; one more
	// for the spread between a slot's grant and the request's arrival.
	if n, limit := srv.busiestWindow(time.Second), 2+20+1; n > limit {
		t.Errorf("%d requests within one second from two clients; the shared limit allows %d", n, limit)
	}
	keys, err := rdb.Client.Keys(context.Background(), rdb.Prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := rdb.Prefix + "{inst-1}:ratelimit:limited"; len(keys) != 1 || keys[0] != want {
		t.Errorf("redis keys %v; want [%s]", keys, want)
	}
}

func TestRetryAfterPausesEveryClientOfTheInstance(t *testing.T) {
	t.Parallel()
	rdb := redistest.New(t)
	srv := newStampServer(t)
	rl := &specs.RateLimit{Requests: 100, Per: specs.Duration(time.Second)}
	cfg := connectors.Config{Redis: rdb.Client, KeyPrefix: rdb.Prefix, Instance: "inst-2"}
	clockA, clockB := clock.NewManual(time.Now()), clock.NewManual(time.Now())
	cfg.Clock = clockA
	a, err := connectors.New(limitedSpec(t, srv.URL, rl), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clock = clockB
	b, err := connectors.New(limitedSpec(t, srv.URL, rl), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.after = "2"
	srv.status.Store(http.StatusTooManyRequests)
	get(t, a) // 429, pauses the instance for 2s, then succeeds
	get(t, b)
	var waited time.Duration
	for _, d := range clockB.Slept() {
		waited += d
	}
	// Close to 2s: less the time between the two calls, plus the slot the
	// first client's retry took (10ms at 100/s).
	if waited < time.Second || waited > 2500*time.Millisecond {
		t.Errorf("the other client waited %v after a 2s Retry-After; want close to 2s", waited)
	}
}

func TestConcurrencyIsCapped(t *testing.T) {
	t.Parallel()
	var inflight, most atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		writeJSON(w, http.StatusOK, map[string]any{})
	}))
	defer srv.Close()
	c, err := connectors.New(limitedSpec(t, srv.URL, nil), connectors.Config{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); get(t, c) }()
	}
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d requests in flight; want exactly the cap of 2", m)
	}
}

// TestTokenLoginsCountAgainstTheRateLimit: a partner counts its logins
// as requests, so a login takes its place in the rate limit.
func TestTokenLoginsCountAgainstTheRateLimit(t *testing.T) {
	t.Parallel()
	var logins atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			logins.Add(1)
			writeJSON(w, http.StatusOK, map[string]any{"token": "t-1"})
			return
		}
		if r.Header.Get("token") != "t-1" {
			writeJSON(w, http.StatusUnauthorized, map[string]any{})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	}))
	t.Cleanup(srv.Close)
	spec, err := connectortest.WithSync([]byte(fmt.Sprintf(connectortest.AuthDoc, srv.URL)), &specs.Sync{
		System:    "limited",
		RateLimit: &specs.RateLimit{Requests: 2, Per: specs.Duration(time.Second), Burst: 1},
		Auth: specs.NewAuth("tokenLogin", &connectors.AuthTokenLogin{
			Operation: "login", Body: map[string]specs.Credential{"key": {Credential: "key"}}, Token: "token", Header: "token",
		}),
		Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := clock.NewManual(time.Now())
	c, err := connectors.New(spec, connectors.Config{
		Clock:       clock,
		Credentials: map[string]specs.Credential{"key": {Env: "LOGIN_KEY"}},
		LookupEnv:   func(k string) (string, bool) { return "login-key-5d1f", k == "LOGIN_KEY" },
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		get(t, c)
	}
	if n := logins.Load(); n != 1 {
		t.Fatalf("%d logins for 3 requests; want 1", n)
	}
	var total time.Duration
	for _, d := range clock.Slept() {
		total += d
	}
	// A login and 3 requests at 2/s with burst 1: three waits of 500ms.
	if total != 1500*time.Millisecond {
		t.Errorf("waited %v in all for a login and 3 requests at 2/s with burst 1; want 1.5s", total)
	}
}

// reasonClock records why each wait of more than zero was taken.
type reasonClock struct {
	*clock.Manual
	mu      sync.Mutex
	reasons []connectors.WaitReason
}

func (c *reasonClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.mu.Lock()
		c.reasons = append(c.reasons, connectors.WaitReasonOf(ctx))
		c.mu.Unlock()
	}
	return c.Manual.Sleep(ctx, d)
}

// TestWaitsTellTheirReason: a clock learns whether a wait is for the rate
// limit, for a 429's Retry-After or for backoff after a failure.
func TestWaitsTellTheirReason(t *testing.T) {
	t.Parallel()
	srv := newStampServer(t)
	rc := &reasonClock{Manual: clock.NewManual(time.Now())}
	c, err := connectors.New(limitedSpec(t, srv.URL, &specs.RateLimit{Requests: 1, Per: specs.Duration(time.Second), Burst: 1}), connectors.Config{Clock: rc})
	if err != nil {
		t.Fatal(err)
	}
	srv.after = "3"
	srv.status.Store(http.StatusTooManyRequests)
	get(t, c) // 429, waits 3s, then a slot of the limit (taken by the 429)
	srv.after = ""
	srv.status.Store(http.StatusInternalServerError)
	get(t, c) // 500, backoff, then a slot of the limit
	count := map[connectors.WaitReason]int{}
	for _, r := range rc.reasons {
		count[r]++
	}
	want := map[connectors.WaitReason]int{connectors.WaitRetryAfter: 1, connectors.WaitBackoff: 1, connectors.WaitRateLimit: count[connectors.WaitRateLimit]}
	if count[connectors.WaitRateLimit] == 0 || !maps.Equal(count, want) {
		t.Errorf("wait reasons %v; want one retry-after, one backoff and rate-limit waits only", rc.reasons)
	}
}
