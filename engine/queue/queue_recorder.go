package queue

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/clock"
)

// RecorderConfig tunes a Recorder. The zero value works.
type RecorderConfig struct {
	// Clock stamps run records. Nil means the system clock.
	Clock clock.Clock
	// Observer hears every finished run. Nil means none.
	Observer Observer
	// Logger receives a warning when new failures cannot be counted. Nil
	// means slog.Default().
	Logger *slog.Logger
}

// Recorder records runs in a History, whatever started them: the queue's
// worker (schedule, manual, retry, webhook), the command line (sync,
// reconcile) and the demo all record through it, so that every run has
// one record with its trigger, outcome, counts per entity and duration.
// It is safe for concurrent use.
type Recorder struct {
	history *History
	cfg     RecorderConfig
}

// NewRecorder returns a recorder into h.
func NewRecorder(h *History, cfg RecorderConfig) *Recorder {
	cfg.Clock = clock.Or(cfg.Clock)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Recorder{history: h, cfg: cfg}
}

// Recording is one run being recorded, between Recorder.Begin and
// Finish. It is not safe for concurrent use.
type Recording struct {
	r   *Recorder
	rec RunRecord
}

// Begin records the start of a run: rec names its Instance,
// Organisation, Task and Trigger (and Event for a record sync); Begin sets
// its Started time, its outcome running and, when rec.ID is empty, a new
// run id. Pass the id on to the engine (RunOptions.RunID) so that audit
// entries and failures name the run.
func (r *Recorder) Begin(ctx context.Context, rec RunRecord) (*Recording, error) {
	if rec.ID == "" {
		rec.ID = NewRunID()
	}
	rec.Started, rec.Outcome = r.cfg.Clock.Now(), RunActive
	if err := r.history.Start(ctx, rec); err != nil {
		return nil, err
	}
	return &Recording{r: r, rec: rec}, nil
}

// ID is the run's id.
func (rc *Recording) ID() string { return rc.rec.ID }

// Finish records the end of the run from the engine's summary and error
// (either may be nil): counts per entity, the outcome (Outcome), what
// failed and why, and how many failed records are new in the failure
// ledger. It stores the record, tells the observer and returns the
// record; the error says only that the record could not be stored.
func (rc *Recording) Finish(ctx context.Context, sum *engine.Summary, runErr error) (RunRecord, error) {
	rec := rc.rec
	rec.Finished, rec.Entities = rc.r.cfg.Clock.Now(), countsOf(sum)
	rec.Outcome = Outcome(sum, runErr)
	rec.Failed, rec.Guarded = sumCounts(rec.Entities, "failed"), sumCounts(rec.Entities, "guarded")
	rec.Drift, rec.Repaired = driftOf(rec.Entities)
	rec.Error = failureText(sum, runErr)
	rec.NewFailures = rc.r.newFailures(ctx, rec)
	err := rc.r.history.Finish(ctx, rec)
	if rc.r.cfg.Observer != nil {
		rc.r.cfg.Observer.RunFinished(rec)
	}
	return rec, err
}

// Outcome names a run's outcome:
//
//   - failed: the run could not start (an error and no summary), it was
//     aborted (credentials refused, an outbound URL refused, Redis
//     unreachable), or it could not reach a system at all (every request
//     to the home or the partner failed before an answer: DNS, a refused
//     or timed-out connection, TLS); no record could be read or written;
//   - partial: the run ran through and reached its systems, but a record
//     failed, a listing failed part way, the delete guard held deletes
//     back, a record is divergent or a reconciliation left drift;
//   - ok: everything else, a run with nothing to do included.
func Outcome(sum *engine.Summary, runErr error) string {
	switch {
	case runErr != nil:
		return RunFailed
	case sum == nil:
		return RunOK
	}
	switch sum.Status() {
	case engine.StatusFailed:
		return RunFailed
	case engine.StatusPartial:
		return RunPartial
	}
	return RunOK
}

// failureText says why a run failed as a whole: its error, or the
// systems it could not reach.
func failureText(sum *engine.Summary, runErr error) string {
	switch {
	case runErr != nil:
		return runErr.Error()
	case sum != nil && sum.Aborted != "":
		return sum.Aborted
	case sum != nil:
		return strings.Join(sum.Unreachable, "; ")
	}
	return ""
}

// sumCounts adds one count over every entity.
func sumCounts(ents []EntityCounts, name string) int64 {
	var n int64
	for _, e := range ents {
		n += e.Counts[name]
	}
	return n
}

// driftOf sums the drift a reconciliation found and repaired.
func driftOf(ents []EntityCounts) (drift, repaired int64) {
	return sumCounts(ents, "drift"), sumCounts(ents, "repaired")
}

// newFailureScan bounds how many of the newest ledger entries
// newFailures reads.
const newFailureScan = 1000

// newFailures counts the ledger entries that failed for the first time
// in run rec; zero when they cannot be read.
func (r *Recorder) newFailures(ctx context.Context, rec RunRecord) int64 {
	if rec.Failed == 0 {
		return 0
	}
	l := store.NewLedger(r.history.rdb, r.history.ns, rec.Instance, store.LedgerConfig{})
	fs, err := l.List(ctx, store.LedgerFilter{Limit: newFailureScan})
	if err != nil {
		r.cfg.Logger.Warn("new failures not counted", "instance", rec.Instance, "err", err)
		return 0
	}
	var n int64
	for _, f := range fs {
		if f.RunID == rec.ID && f.Attempts == 1 {
			n++
		}
	}
	return n
}

// NewRunID returns a random run id ("q-1a2b3c4d5e6f").
func NewRunID() string {
	return "q-" + strings.ToLower(rand.Text()[:12])
}
