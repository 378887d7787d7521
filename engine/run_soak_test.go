package engine

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// tooMany answers a share of requests with 429 before they reach the
// server behind it, as a busy partner does.
type tooMany struct {
	next  http.Handler
	share float64
	mu    sync.Mutex
	rng   *rand.Rand
}

// ServeHTTP refuses a share of requests.
func (m *tooMany) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	refuse := m.rng.Float64() < m.share
	m.mu.Unlock()
	if refuse {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"title":"Too Many Requests","status":429}`))
		return
	}
	m.next.ServeHTTP(w, r)
}

// TestRunFaultSoak pushes 10,000 records (2,000 with -short) to a
// create-only partner that answers 10% of requests with 500, 5% with 429,
// resets 2% of connections and delays some: after at most two runs it
// holds exactly the home's records, none lost and none doubled.
func TestRunFaultSoak(t *testing.T) {
	t.Parallel()
	buildings := 100
	if testing.Short() {
		buildings = 20
	}
	h := newHarness(t, "create")
	h.writes.next = &tooMany{next: h.partner, share: 0.05, rng: rand.New(rand.NewPCG(7, 11))}
	err := h.partner.SetOptions(mockOptions{Now: h.clock.Now, DuplicateCreates: true, Seed: 3,
		ErrorRate: 0.10, ResetRate: 0.02, LatencySpikeRate: 0.01, LatencySpike: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	data := newHomeData(buildings, 33)
	h.seedHome(data)
	var sum *Summary
	for run := 1; run <= 2; run++ {
		sum = h.run(RunOptions{})
		t.Logf("run %d:\n%s", run, summaryText(sum))
		if sum.Status() == StatusClean {
			break
		}
	}
	if sum.Status() != StatusClean {
		t.Errorf("two runs did not finish clean")
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data (-want +got):\n%s", d)
	}
	st := h.partner.Stats()
	t.Logf("partner: %d requests, %d creates, %d updates, faults %+v", st.Requests, st.Creates, st.Updates, st.Faults)
	if st.Faults.Errors == 0 || st.Faults.Resets == 0 {
		t.Errorf("no faults were injected: %+v", st.Faults)
	}
}
