package queue

import (
	"cmp"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// DefaultScheduleSync is how often a scheduler reads the schedules again
// when SchedulerConfig.SyncInterval is zero.
const DefaultScheduleSync = 15 * time.Second

// SchedulerConfig holds what NewScheduler needs. Redis and Schedules are
// required; every other zero field means the default it documents.
type SchedulerConfig struct {
	Redis     redis.UniversalClient
	Schedules *Schedules
	// SyncInterval is how often the schedules are read again (a read costs
	// one GET while the store's version is unchanged). Zero means
	// DefaultScheduleSync.
	SyncInterval time.Duration
	// Observer hears enqueues skipped because a run is still pending or
	// active. Nil means none.
	Observer Observer
	// Logger receives skipped and failed enqueues. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// NewScheduler returns an asynq periodic task manager that enqueues the
// schedules' tasks. An enqueue refused because the same instance's task
// is still pending or running is logged and reported to the observer:
// a run that outlasts its window is never doubled, and it shows.
func NewScheduler(cfg SchedulerConfig) (*asynq.PeriodicTaskManager, error) {
	if cfg.Redis == nil || cfg.Schedules == nil {
		return nil, errors.New("queue: a scheduler needs Redis and Schedules")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return asynq.NewPeriodicTaskManager(asynq.PeriodicTaskManagerOpts{
		RedisUniversalClient:       cfg.Redis,
		PeriodicTaskConfigProvider: cfg.Schedules,
		SyncInterval:               cmp.Or(cfg.SyncInterval, DefaultScheduleSync),
		SchedulerOpts: &asynq.SchedulerOpts{
			// PostEnqueueFunc, its replacement, gets no task when the
			// enqueue fails, and the skip is counted per task and instance.
			//lint:ignore SA1019 the replacement cannot name the skipped task
			EnqueueErrorHandler: enqueueErrorHandler(cfg),
			LogLevel:            asynq.WarnLevel,
			Logger:              asynqLogger{cfg.Logger},
		},
	})
}

// enqueueErrorHandler logs a failed enqueue and counts a skipped one.
func enqueueErrorHandler(cfg SchedulerConfig) func(*asynq.Task, []asynq.Option, error) {
	return func(t *asynq.Task, _ []asynq.Option, err error) {
		inst := payloadInstance(t)
		if !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
			cfg.Logger.Error("scheduled task not enqueued", "task", t.Type(), "instance", inst, "err", err)
			return
		}
		cfg.Logger.Warn("scheduled task skipped: the previous one is still pending or running", "task", t.Type(), "instance", inst)
		if cfg.Observer != nil {
			cfg.Observer.EnqueueSkipped(t.Type(), inst)
		}
	}
}

// payloadInstance reads the instance a task's payload names.
func payloadInstance(t *asynq.Task) string {
	var p struct {
		Instance string `json:"instance"`
	}
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return ""
	}
	return p.Instance
}
