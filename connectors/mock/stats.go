package mock

import (
	"maps"
	"sync"
)

// Stats counts what a server did since New or ResetStats.
type Stats struct {
	// Requests counts every request, faulty ones included.
	Requests int64
	// ByOperation counts requests by operation: "entity.action" ("tenant.
	// create"), "auth.login", "auth.token", "graphql" (a GraphQL request
	// whose document was not matched or that failed before), an
	// operationId bound to no entity, or "unrouted".
	ByOperation map[string]int64
	// ByStatus counts answers by HTTP status; 0 counts dropped connections.
	ByStatus map[int]int64
	// Creates, Updates, Deletes and Detaches count records written by the
	// API (seeds are not counted). An upsert counts as a create or an
	// update, whichever it did.
	Creates, Updates, Deletes, Detaches int64
	// Replays counts creates answered from an earlier request with the same
	// idempotency key, without creating.
	Replays int64
	// Faults counts injected faults.
	Faults FaultStats
}

// FaultStats counts injected faults by kind.
type FaultStats struct {
	Errors      int64 // answered 500
	RateLimited int64 // answered 429
	Resets      int64 // connections dropped
	Spikes      int64 // latency spikes
	Truncated   int64 // list pages cut short
}

// Writes is the number of records written: creates, updates, deletes and
// detaches.
func (s Stats) Writes() int64 { return s.Creates + s.Updates + s.Deletes + s.Detaches }

// statsRecorder guards a Stats.
type statsRecorder struct {
	mu sync.Mutex
	s  Stats
}

func (r *statsRecorder) reset() {
	r.mu.Lock()
	r.s = Stats{ByOperation: map[string]int64{}, ByStatus: map[int]int64{}}
	r.mu.Unlock()
}

func (r *statsRecorder) request(name string, status int) {
	r.mu.Lock()
	r.s.Requests++
	r.s.ByOperation[name]++
	r.s.ByStatus[status]++
	r.mu.Unlock()
}

func (r *statsRecorder) add(f func(*Stats)) {
	r.mu.Lock()
	f(&r.s)
	r.mu.Unlock()
}

func (r *statsRecorder) snapshot() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.s
	out.ByOperation = maps.Clone(r.s.ByOperation)
	out.ByStatus = maps.Clone(r.s.ByStatus)
	return out
}

// Stats returns a copy of the server's counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ResetStats sets every counter back to zero; records stay.
func (s *Server) ResetStats() { s.stats.reset() }
