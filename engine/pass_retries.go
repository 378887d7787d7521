package engine

import (
	"context"
	"sync"
	"time"
)

// maxLater caps the records of one flow kept for a second attempt later
// in the run; beyond it, transient failures go to the ledger at once.
const maxLater = 10_000

// retryPause is the wait before the second attempt of transient failures.
const retryPause = 500 * time.Millisecond

// stopper holds the first error that stops a flow and cancels the flow's
// context with it. It is safe for concurrent use.
type stopper struct {
	mu      sync.Mutex
	failure error
	cancel  context.CancelFunc
}

// abort stops the flow with err; the first error wins.
func (s *stopper) abort(err error) {
	s.mu.Lock()
	if s.failure == nil {
		s.failure = err
	}
	s.mu.Unlock()
	s.cancel()
}

// err is the error that stopped the flow, or nil.
func (s *stopper) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failure
}

// retries keeps the transient failures of a flow for a second attempt.
// It is safe for concurrent use.
type retries struct {
	mu    sync.Mutex
	later []outcome
	final bool // the second attempt: transient failures go to the ledger
}

// sift returns the outcomes of a page to commit now, keeping transient
// failures for the second attempt instead.
func (rs *retries) sift(outs []outcome) []*outcome {
	done := make([]*outcome, 0, len(outs))
	for i := range outs {
		if outs[i].step != stepFailed || !rs.keep(outs[i]) {
			done = append(done, &outs[i])
		}
	}
	return done
}

// keep takes a transient failure for the second attempt; false means it
// goes to the ledger now.
func (rs *retries) keep(o outcome) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.final || !o.retry || len(rs.later) >= maxLater {
		return false
	}
	rs.later = append(rs.later, o)
	return true
}

// take hands over the kept failures; later ones go to the ledger.
func (rs *retries) take() []outcome {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	later := rs.later
	rs.later, rs.final = nil, true
	return later
}
