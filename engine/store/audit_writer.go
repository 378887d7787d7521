package store

import (
	"context"
	"sync"
)

// Auditor buffers entries and writes them in batches through an Audit:
// whenever FlushEvery entries are waiting, and on Flush and Close. A run
// uses one Auditor; it is safe for concurrent use by the run's workers.
type Auditor struct {
	audit *Audit
	mu    sync.Mutex
	buf   []Entry
}

// NewAuditor returns an Auditor writing through a.
func (a *Audit) NewAuditor() *Auditor {
	return &Auditor{audit: a, buf: make([]Entry, 0, a.cfg.FlushEvery)}
}

// Add buffers e and writes the buffer when it is full. When writing fails
// the entries stay buffered for the next attempt and the error is
// returned.
func (w *Auditor) Add(ctx context.Context, e Entry) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e.Time.IsZero() {
		e.Time = w.audit.cfg.Clock.Now()
	}
	w.buf = append(w.buf, e)
	if len(w.buf) < w.audit.cfg.FlushEvery {
		return nil
	}
	return w.flushLocked(ctx)
}

// Flush writes the buffered entries.
func (w *Auditor) Flush(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked(ctx)
}

// Close writes the buffered entries; the Auditor may still be used
// afterwards, Close only marks the end of a run.
func (w *Auditor) Close(ctx context.Context) error {
	return w.Flush(ctx)
}

// flushLocked writes the buffer; w.mu is held.
func (w *Auditor) flushLocked(ctx context.Context) error {
	if len(w.buf) == 0 {
		return nil
	}
	if err := w.audit.Write(ctx, w.buf...); err != nil {
		return err
	}
	w.buf = w.buf[:0]
	return nil
}
