package queue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/clock"
)

// Job is one run the queue asks a Runner for.
type Job struct {
	// Instance is the stored instance to run.
	Instance *instance.Instance
	// RunID names the run in the audit log and the run history.
	RunID string
	// Trigger says why the run was enqueued.
	Trigger string
	// Full and DeleteOverride are as in RunPayload.
	Full, DeleteOverride bool
	// Record, when set, narrows the run to one record.
	Record *RecordPayload
	// RetryOnly, when set, narrows the run to the failure ledger's records.
	RetryOnly bool
	// Reconcile, when set, makes the job a reconciliation instead of a
	// run; Repair and Entity are as in RunPayload.
	Reconcile, Repair bool
	Entity            string
}

// Runner runs one job and returns the engine's summary of it. The error
// is non-nil only for a run that failed as a whole; failed records are
// counted in the summary.
type Runner interface {
	RunJob(ctx context.Context, job Job) (*engine.Summary, error)
}

// Observer hears what the queue does; metrics implement it. Its methods
// must be safe for concurrent use and must not block.
type Observer interface {
	// RunFinished is called once per finished run.
	RunFinished(rec RunRecord)
	// EnqueueSkipped is called when a task was not enqueued because the
	// same task (a run of the same instance) is still pending or active.
	EnqueueSkipped(taskType, instance string)
}

// Notifier tells an organisation's operators about a failed run, one
// that left new failures or one whose deletes the delete guard held back. Its error is logged, never returned to the run.
type Notifier interface {
	Notify(ctx context.Context, inst *instance.Instance, rec RunRecord) error
}

// WorkerConfig holds what a Worker needs. Runner, Store and History are
// required; every other zero field means the default it documents.
type WorkerConfig struct {
	Runner  Runner
	Store   *instance.InstanceStore
	History *History
	// Observer hears finished runs. Nil means none.
	Observer Observer
	// Notifier tells operators about failures. Nil means none.
	Notifier Notifier
	// BusyRetry is how soon a task that found its instance busy with
	// another task is tried again. Zero means DefaultBusyRetry.
	BusyRetry time.Duration
	// Clock stamps run records. Nil means the system clock.
	Clock clock.Clock
	// Logger receives a line per run. Nil means slog.Default().
	Logger *slog.Logger
}

// DefaultBusyRetry is the default of WorkerConfig.BusyRetry.
const DefaultBusyRetry = 30 * time.Second

// Worker handles the queue's tasks. It is safe for concurrent use: asynq
// calls its handlers from many goroutines.
type Worker struct {
	cfg      WorkerConfig
	locks    *store.Locks
	recorder *Recorder
}

// NewWorker returns a Worker for cfg.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.Runner == nil || cfg.Store == nil || cfg.History == nil {
		return nil, errors.New("queue: a worker needs a Runner, an InstanceStore and a History")
	}
	cfg.Clock = clock.Or(cfg.Clock)
	cfg.BusyRetry = cmp.Or(cfg.BusyRetry, DefaultBusyRetry)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	rec := NewRecorder(cfg.History, RecorderConfig{Clock: cfg.Clock, Observer: cfg.Observer, Logger: cfg.Logger})
	return &Worker{cfg: cfg, locks: store.NewLocks(cfg.History.rdb, cfg.History.ns), recorder: rec}, nil
}

// Mux routes the task types to the worker's handlers.
func (w *Worker) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TaskRun, w.handleRun)
	mux.HandleFunc(TaskRetry, w.handleRetry)
	mux.HandleFunc(TaskRecord, w.handleRecord)
	mux.HandleFunc(TaskReconcile, w.handleReconcile)
	return mux
}

// RetryDelay is the asynq.Config.RetryDelayFunc of servers running the
// worker: a task that found its instance busy is tried again after
// BusyRetry; other errors back off as asynq does by default.
func (w *Worker) RetryDelay(n int, err error, t *asynq.Task) time.Duration {
	if errors.Is(err, store.ErrInstanceBusy) {
		return w.cfg.BusyRetry
	}
	return asynq.DefaultRetryDelayFunc(n, err, t)
}

// IsFailure is the asynq.Config.IsFailure of servers running the worker:
// a busy instance is not a failure.
func (w *Worker) IsFailure(err error) bool { return !errors.Is(err, store.ErrInstanceBusy) }

// handleRun runs one instance.
func (w *Worker) handleRun(ctx context.Context, t *asynq.Task) error {
	p, err := decodePayload[RunPayload](t, w.prefix())
	if err != nil {
		return w.refuse(ctx, t, err)
	}
	return w.execute(ctx, t.Type(), p.Instance, func(j *Job) {
		j.Trigger, j.Full, j.DeleteOverride = p.Trigger, p.Full, p.DeleteOverride
	})
}

// handleRetry retries the failure ledger of one instance.
func (w *Worker) handleRetry(ctx context.Context, t *asynq.Task) error {
	p, err := decodePayload[RunPayload](t, w.prefix())
	if err != nil {
		return w.refuse(ctx, t, err)
	}
	return w.execute(ctx, t.Type(), p.Instance, func(j *Job) {
		j.Trigger, j.RetryOnly = cmp.Or(p.Trigger, TriggerRetry), true
	})
}

// handleReconcile reconciles one instance.
func (w *Worker) handleReconcile(ctx context.Context, t *asynq.Task) error {
	p, err := decodePayload[RunPayload](t, w.prefix())
	if err != nil {
		return w.refuse(ctx, t, err)
	}
	return w.execute(ctx, t.Type(), p.Instance, func(j *Job) {
		j.Trigger, j.Reconcile, j.Repair, j.Entity, j.DeleteOverride = p.Trigger, true, p.Repair, p.Entity, p.DeleteOverride
	})
}

// handleRecord syncs one record named by a webhook event.
func (w *Worker) handleRecord(ctx context.Context, t *asynq.Task) error {
	p, err := decodePayload[RecordPayload](t, w.prefix())
	if err != nil {
		return w.refuse(ctx, t, err)
	}
	return w.execute(ctx, t.Type(), p.Instance, func(j *Job) {
		j.Trigger, j.Record = TriggerWebhook, &p
	})
}

// prefix is the key prefix of the worker's installation.
func (w *Worker) prefix() string { return w.cfg.History.ns.Prefix() }

// refuse logs a task the worker will not run (another installation's, or
// one with a bad payload) as an error, and returns err, which marks it
// for asynq to archive.
func (w *Worker) refuse(ctx context.Context, t *asynq.Task, err error) error {
	id, _ := asynq.GetTaskID(ctx)
	queueName, _ := asynq.GetQueueName(ctx)
	w.cfg.Logger.Error("task refused and archived", "task", t.Type(), "id", id, "queue", queueName, "err", err)
	return err
}

// execute loads the instance, runs the job and records the run. Only one
// task of an instance runs at a time: a task that finds another at work
// fails with store.ErrInstanceBusy and asynq retries it later.
func (w *Worker) execute(ctx context.Context, task, id string, shape func(*Job)) error {
	inst, err := w.cfg.Store.Get(ctx, id)
	if err != nil && !errors.Is(err, instance.ErrNotFound) {
		return fmt.Errorf("%s %q: %w", task, id, err)
	}
	if inst == nil || !inst.Enabled {
		w.cfg.Logger.Info("task skipped: instance is missing or disabled", "task", task, "instance", id)
		return nil
	}
	release, err := w.locks.Hold(ctx, id)
	if err != nil {
		return err
	}
	defer release()
	var job Job
	shape(&job)
	start := RunRecord{Instance: id, Organisation: inst.Organisation, Task: task, Trigger: job.Trigger}
	if job.Record != nil {
		start.Event, start.EventID = job.Record.Event, job.Record.EventID
	}
	run, err := w.recorder.Begin(ctx, start)
	if err != nil {
		return err
	}
	job.Instance, job.RunID = inst, run.ID()
	sum, runErr := w.cfg.Runner.RunJob(ctx, job)
	w.finish(context.WithoutCancel(ctx), inst, run, sum, runErr)
	if err := ctx.Err(); err != nil {
		// Cut off by shutdown or the task's timeout: the queue puts the
		// task back; state is committed page by page, so the next try
		// continues where this one stopped.
		return fmt.Errorf("%s %q interrupted: %w", task, id, err)
	}
	return nil
}

// finish stores the run record and notifies operators of failures,
// guarded deletes and drift. A run's failure is in its record, not an
// error of the task: asynq must not run it again at once.
func (w *Worker) finish(ctx context.Context, inst *instance.Instance, run *Recording, sum *engine.Summary, runErr error) {
	rec, err := run.Finish(ctx, sum, runErr)
	log := w.cfg.Logger.With("instance", rec.Instance, "run", rec.ID, "task", rec.Task)
	if err != nil {
		log.Error("run record not stored", "err", err)
	}
	log.Info("run finished", "outcome", rec.Outcome, "failed", rec.Failed, "duration", rec.Duration())
	if w.cfg.Notifier != nil && (rec.Outcome == RunFailed || rec.NewFailures > 0 || rec.Guarded > 0 || rec.Drift > rec.Repaired) {
		if err := w.cfg.Notifier.Notify(ctx, inst, rec); err != nil {
			log.Warn("notification not sent", "err", err)
		}
	}
}
