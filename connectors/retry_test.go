package connectors_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/transforms"
)

// failFirst answers the first n requests matching method with status,
// calling apply first (to simulate a write that happened before the
// failure).
func failFirst(api *tenantsAPI, method string, n int64, status int, header map[string]string, apply func(r *http.Request)) *atomic.Int64 {
	var count atomic.Int64
	api.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method || count.Add(1) > n {
			return false
		}
		if apply != nil {
			apply(r)
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		http.Error(w, "failure", status)
		return true
	}
	return &count
}

var tenantBody = map[string]any{"externalId": "L-7", "lastName": "Noether"}

func TestCreateAfterAmbiguousFailureFindsTheRecord(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	failFirst(api, http.MethodPost, 1, http.StatusBadGateway, nil, func(r *http.Request) {
		api.add(map[string]any{"externalId": "L-7", "lastName": "Noether"})
	})
	c := api.client(t, connectors.Config{})
	res, err := c.Create(context.Background(), "tenant", connectors.Write{Key: "L-7", Body: tenantBody})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if !res.Existing || res.ID != "t-1" {
		t.Errorf("result %+v; want the existing record t-1", res)
	}
	if n := api.count(); n != 1 {
		t.Errorf("%d records stored; want 1", n)
	}
}

func TestCreateAfterAmbiguousFailureRepeatsWhenLookupFindsNothing(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	posts := failFirst(api, http.MethodPost, 1, http.StatusBadGateway, nil, nil)
	c := api.client(t, connectors.Config{})
	res, err := c.Create(context.Background(), "tenant", connectors.Write{Key: "L-7", Body: tenantBody})
	if err != nil || res.Existing || res.ID == "" {
		t.Fatalf("Create = %+v, %v; want a new record", res, err)
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("%d creates sent; want 2", n)
	}
	if n := api.count(); n != 1 {
		t.Errorf("%d records stored; want 1", n)
	}
}

func TestCreateWithoutSafetyIsNotRepeated(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	posts := failFirst(api, http.MethodPost, 1, http.StatusBadGateway, nil, nil)
	c := api.client(t, connectors.Config{})
	_, err := c.Create(context.Background(), "memo", connectors.Write{Key: "M-1", Body: tenantBody})
	if !errors.Is(err, connectors.ErrMaybeWritten) {
		t.Fatalf("Create: %v; want ErrMaybeWritten", err)
	}
	var he *connectors.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusBadGateway {
		t.Errorf("the error does not carry the 502: %v", err)
	}
	if d := connectors.Classify(err); d != connectors.RetryNextRun {
		t.Errorf("Classify = %v; want retry-next-run", d)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("%d creates sent; want 1", n)
	}
}

func TestCreateFailingEveryAttemptMayHaveBeenWritten(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	posts := failFirst(api, http.MethodPost, 10, http.StatusBadGateway, nil, nil)
	c := api.client(t, connectors.Config{})
	_, err := c.Create(context.Background(), "tenant", connectors.Write{Key: "L-7", Body: tenantBody})
	if !errors.Is(err, connectors.ErrMaybeWritten) || connectors.Classify(err) != connectors.RetryNextRun {
		t.Fatalf("Create: %v (%v); want ErrMaybeWritten, retry-next-run", err, connectors.Classify(err))
	}
	if n := posts.Load(); n != 3 {
		t.Errorf("%d creates sent; want maxAttempts 3, each after a lookup", n)
	}
}

func TestCreateRefusedWith4xxIsNotMarkedMaybeWritten(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	failFirst(api, http.MethodPost, 1, http.StatusUnprocessableEntity, nil, nil)
	c := api.client(t, connectors.Config{})
	_, err := c.Create(context.Background(), "memo", connectors.Write{Key: "M-1", Body: tenantBody})
	if err == nil || errors.Is(err, connectors.ErrMaybeWritten) {
		t.Errorf("Create: %v; want the 422, not marked as maybe written", err)
	}
}

func TestCreateRefusedWith429IsRepeatedAfterRetryAfter(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	failFirst(api, http.MethodPost, 1, http.StatusTooManyRequests, map[string]string{"Retry-After": "7"}, nil)
	clock := clock.NewManual(time.Now())
	c := api.client(t, connectors.Config{Clock: clock})
	if _, err := c.Create(context.Background(), "memo", connectors.Write{Key: "M-1", Body: tenantBody}); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if diff := cmp.Diff([]time.Duration{7 * time.Second}, clock.Slept()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestCreateWithIdempotencyKeyIsRepeatedWithTheSameKey(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	failFirst(api, http.MethodPost, 1, http.StatusInternalServerError, nil, nil)
	c := api.client(t, connectors.Config{})
	w := connectors.Write{Key: "N-1", Body: tenantBody, Hash: "h1"}
	if _, err := c.Create(context.Background(), "note", w); err != nil {
		t.Fatalf("Create: %v", err)
	}
	reqs := api.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests; want 2", len(reqs))
	}
	k1, k2 := reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key")
	if k1 == "" || k1 != k2 {
		t.Errorf("idempotency keys %q and %q; want one non-empty key repeated", k1, k2)
	}
	w.Hash = "h2"
	if _, err := c.Create(context.Background(), "note", w); err != nil {
		t.Fatal(err)
	}
	reqs = api.requests()
	if k3 := reqs[2].Header.Get("Idempotency-Key"); k3 == k1 {
		t.Errorf("a different payload reused idempotency key %q", k3)
	}
}

func TestRetryAfterForms(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"http date", map[string]string{"Retry-After": now.Add(50 * time.Second).Format(http.TimeFormat)}, 50 * time.Second},
		{"reset in seconds", map[string]string{"X-RateLimit-Reset": "4"}, 4 * time.Second},
		{"reset as epoch seconds", map[string]string{"X-RateLimit-Reset": "1717243245"}, 45 * time.Second},
		{"reset as epoch milliseconds", map[string]string{"X-RateLimit-Reset": "1717243205000"}, 5 * time.Second},
		{"retry-after wins", map[string]string{"Retry-After": "2", "X-RateLimit-Reset": "9"}, 2 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newTenantsAPI(t)
			failFirst(api, http.MethodGet, 1, http.StatusServiceUnavailable, tc.header, nil)
			api.add(map[string]any{"externalId": "x"})
			clock := clock.NewManual(now)
			c := api.client(t, connectors.Config{Clock: clock})
			if _, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": "t-1"}); err != nil {
				t.Fatalf("Get: %v", err)
			}
			if diff := cmp.Diff([]time.Duration{tc.want}, clock.Slept()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetryAfterBeyondBudgetIsNotAwaited(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	failFirst(api, http.MethodGet, 1, http.StatusTooManyRequests, map[string]string{"Retry-After": "3600"}, nil)
	clock := clock.NewManual(time.Now())
	c := api.client(t, connectors.Config{Clock: clock})
	_, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": "t-1"})
	var he *connectors.HTTPError
	if !errors.As(err, &he) || he.RetryAfter != time.Hour {
		t.Fatalf("Get: %v; want a 429 *HTTPError asking for an hour", err)
	}
	if connectors.Classify(err) != connectors.RetryNow {
		t.Errorf("Classify = %v; want retry-now", connectors.Classify(err))
	}
	if len(clock.Slept()) != 0 {
		t.Errorf("slept %v; want no wait past the 1m budget", clock.Slept())
	}
}

func TestTransientFailuresBackOffWithinAttempts(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	gets := failFirst(api, http.MethodGet, 10, http.StatusInternalServerError, nil, nil)
	clock := clock.NewManual(time.Now())
	c := api.client(t, connectors.Config{Clock: clock})
	_, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": "t-1"})
	var he *connectors.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusInternalServerError {
		t.Fatalf("Get: %v; want the 500", err)
	}
	if n := gets.Load(); n != 3 {
		t.Errorf("%d attempts; want maxAttempts 3", n)
	}
	slept := clock.Slept()
	if len(slept) != 2 {
		t.Fatalf("slept %v; want 2 waits", slept)
	}
	for i, d := range slept {
		if ceiling := 100 * time.Millisecond << i; d < 0 || d > ceiling {
			t.Errorf("wait %d is %v; want within [0, %v] (full jitter)", i+1, d, ceiling)
		}
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	gets := failFirst(api, http.MethodGet, 10, http.StatusUnprocessableEntity, nil, nil)
	c := api.client(t, connectors.Config{})
	_, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": "t-1"})
	if connectors.Classify(err) != connectors.RetryNextRun || gets.Load() != 1 {
		t.Errorf("Get: %v after %d attempts; want one attempt, retry-next-run", err, gets.Load())
	}
}

func TestDroppedConnectionsAreRetried(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	api.add(map[string]any{"externalId": "x"})
	var drops atomic.Int64
	api.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if drops.Add(1) > 2 {
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
		return true
	}
	c := api.client(t, connectors.Config{})
	if _, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": "t-1"}); err != nil {
		t.Fatalf("Get after two dropped connections: %v", err)
	}
}

func TestCanceledContextStopsWaiting(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	failFirst(api, http.MethodGet, 10, http.StatusServiceUnavailable, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := api.client(t, connectors.Config{})
	_, err := c.Get(ctx, "tenant", transforms.Vars{"id": "t-1"})
	if !errors.Is(err, context.Canceled) || connectors.Classify(err) != connectors.RetryNextRun {
		t.Errorf("Get with a canceled context: %v (%v)", err, connectors.Classify(err))
	}
}
