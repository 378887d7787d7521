package mock

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// statuses sends n sequential GETs and returns their statuses.
func statuses(t *testing.T, url string, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		out[i] = call(t, "GET", url, nil).status
	}
	return out
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}

func TestErrorRateIsSeededAndCounted(t *testing.T) {
	t.Parallel()
	const n = 400
	srv, hs := serve(t, "testdata/rest.json", Options{ErrorRate: 0.25, Seed: 42})
	got := statuses(t, hs.URL+"/units", n)
	fails := count(got, 500)
	// Expected 100; the bounds are more than five standard deviations wide.
	if fails < 50 || fails > 150 {
		t.Errorf("%d of %d requests failed at error rate 0.25", fails, n)
	}
	if fails+count(got, 200) != n {
		t.Errorf("statuses other than 200 and 500: %v", got)
	}
	if st := srv.Stats(); st.Faults.Errors != int64(fails) || st.ByStatus[500] != int64(fails) {
		t.Errorf("stats count %d injected errors and %d answers 500, want %d", st.Faults.Errors, st.ByStatus[500], fails)
	}

	_, again := serve(t, "testdata/rest.json", Options{ErrorRate: 0.25, Seed: 42})
	if diff := cmp.Diff(got, statuses(t, again.URL+"/units", n)); diff != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", diff)
	}
	_, other := serve(t, "testdata/rest.json", Options{ErrorRate: 0.25, Seed: 43})
	if cmp.Equal(got, statuses(t, other.URL+"/units", n)) {
		t.Error("another seed gave the same faults")
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv, hs := serve(t, "testdata/rest.json", Options{RateLimit: 2, RateBurst: 2, RateClock: clk.Now})
	call(t, "GET", hs.URL+"/units", nil).want(t, 200)
	ok := call(t, "GET", hs.URL+"/units", nil).want(t, 200)
	if got := ok.header.Get("X-RateLimit-Remaining"); got != "0" {
		t.Errorf("X-RateLimit-Remaining after the burst = %q, want 0", got)
	}
	r := call(t, "GET", hs.URL+"/units", nil).want(t, 429)
	want := map[string]string{"Retry-After": "1", "X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"}
	for h, v := range want {
		if got := r.header.Get(h); got != v {
			t.Errorf("%s = %q, want %q", h, got, v)
		}
	}
	clk.Add(time.Second)
	call(t, "GET", hs.URL+"/units", nil).want(t, 200)
	if st := srv.Stats(); st.Faults.RateLimited != 1 || st.ByStatus[429] != 1 {
		t.Errorf("rate limited %d, status 429 %d; want 1 and 1", st.Faults.RateLimited, st.ByStatus[429])
	}
}

func TestResetDropsTheConnection(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{ResetRate: 1})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Get(hs.URL + "/units")
	if err == nil {
		res.Body.Close()
		t.Fatalf("got status %d, want a dropped connection", res.StatusCode)
	}
	st := srv.Stats()
	if st.Faults.Resets == 0 || st.Faults.Resets != st.Requests || st.ByStatus[0] != st.Requests {
		t.Errorf("resets %d, requests %d, unanswered %d", st.Faults.Resets, st.Requests, st.ByStatus[0])
	}
	if err := srv.SetOptions(Options{}); err != nil {
		t.Fatal(err)
	}
	call(t, "GET", hs.URL+"/units", nil).want(t, 200)
}

func TestTruncatedPagesShowInTheTotal(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{TruncateRate: 1, Seed: 3})
	seedKeys(t, srv, "unit", "externalId", makeKeys("unit", 50))
	seen, pages := 0, 0
	for page := 1; page <= 10; page++ {
		r := call(t, "GET", fmt.Sprintf("%s/units?page=%d&pageSize=10", hs.URL, page), nil).want(t, 200)
		if total := num(t, r.at("meta.total")); total != 50 {
			t.Fatalf("meta.total = %d, want 50", total)
		}
		n := len(r.records(t, "data"))
		if page <= 5 {
			pages++
			if n >= 10 {
				t.Errorf("page %d holds %d records; a truncated page holds fewer than 10", page, n)
			}
		}
		seen += n
	}
	if seen >= 50 {
		t.Errorf("saw %d records; truncation should hide some of 50", seen)
	}
	if got := srv.Stats().Faults.Truncated; got != int64(pages) {
		t.Errorf("truncated %d pages, want %d", got, pages)
	}
}

func TestLatencySpikesAreSeeded(t *testing.T) {
	t.Parallel()
	opts := Options{LatencySpikeRate: 0.5, LatencySpike: time.Millisecond, Seed: 9}
	a, ha := serve(t, "testdata/rest.json", opts)
	b, hb := serve(t, "testdata/rest.json", opts)
	statuses(t, ha.URL+"/units", 40)
	statuses(t, hb.URL+"/units", 40)
	sa, sb := a.Stats().Faults.Spikes, b.Stats().Faults.Spikes
	if sa < 5 || sa > 35 || sa != sb {
		t.Errorf("spikes %d and %d of 40 at rate 0.5 with the same seed", sa, sb)
	}
}

func TestImpossibleOptionsAreRefused(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t, "testdata/rest.json")
	for _, o := range []Options{{ErrorRate: 1.5}, {ResetRate: -0.1}, {RateLimit: -1}, {Latency: -time.Second}} {
		if _, err := New(spec, o); err == nil {
			t.Errorf("New accepted %+v", o)
		}
	}
	srv, err := New(spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetOptions(Options{TruncateRate: 2}); err == nil {
		t.Error("SetOptions accepted TruncateRate 2")
	}
}
