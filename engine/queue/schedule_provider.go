package queue

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/specsync/specsync/engine/instance"
)

// Defaults of ScheduleConfig.
const (
	DefaultRetryCron   = "0 6 * * *"
	DefaultSyncTimeout = 10 * time.Second
)

// ScheduleConfig says when instances run. The zero value runs every
// enabled instance without a cron of its own at 23:00 Europe/Berlin and
// retries every failure ledger daily at 06:00 in the instance's zone.
type ScheduleConfig struct {
	// Store lists the instances. Required.
	Store *instance.InstanceStore
	// NightlyCron is the installation-wide schedule of instances without a
	// cron of their own. Empty means DefaultCron ("0 23 * * *").
	NightlyCron string
	// NightlyTimezone is the zone NightlyCron is read in, for instances
	// without a time zone of their own. Empty means DefaultTimezone.
	NightlyTimezone string
	// RetryCron is when the daily sync:retry task of every enabled
	// instance is enqueued, in the instance's zone. Empty means
	// DefaultRetryCron.
	RetryCron string
	// Queue is the asynq queue. Empty means the queue derived from the
	// Store's key prefix (see Route); the prefix goes into every task.
	Queue string
	// Timeout bounds one read of the store. Zero means DefaultSyncTimeout.
	Timeout time.Duration
	// Logger receives a line for an instance whose schedule is refused.
	// Nil means slog.Default().
	Logger *slog.Logger
}

// Schedules turns the InstanceStore into asynq periodic task configs: it
// is the PeriodicTaskConfigProvider of a PeriodicTaskManager, so applying,
// enabling or disabling an instance changes the schedule at the manager's
// next sync, without a restart. It reads the instances again only when the
// store's version changed. It is safe for concurrent use.
type Schedules struct {
	cfg     ScheduleConfig
	mu      sync.Mutex
	version int64
	configs []*asynq.PeriodicTaskConfig
}

var _ asynq.PeriodicTaskConfigProvider = (*Schedules)(nil)

// NewSchedules returns the schedules of cfg.Store's instances.
func NewSchedules(cfg ScheduleConfig) *Schedules {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Timeout = cmp.Or(cfg.Timeout, DefaultSyncTimeout)
	return &Schedules{cfg: cfg, version: -1}
}

// GetConfigs returns a run and a retry task per enabled instance, and a
// reconcile task per instance that schedules one.
func (s *Schedules) GetConfigs() ([]*asynq.PeriodicTaskConfig, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.cfg.Store.Version(ctx)
	if err != nil {
		return nil, fmt.Errorf("schedules: %w", err)
	}
	if v == s.version {
		return s.configs, nil
	}
	insts, err := s.cfg.Store.List(ctx, instance.ListFilter{EnabledOnly: true})
	if err != nil {
		return nil, fmt.Errorf("schedules: %w", err)
	}
	s.configs, s.version = s.build(insts), v
	return s.configs, nil
}

// build returns the configs of insts, leaving out (and logging) an
// instance whose schedule cannot work.
func (s *Schedules) build(insts []*instance.Instance) []*asynq.PeriodicTaskConfig {
	out := make([]*asynq.PeriodicTaskConfig, 0, 2*len(insts))
	for _, inst := range insts {
		cs, err := s.instanceConfigs(inst)
		if err != nil {
			s.cfg.Logger.Error("instance not scheduled", "instance", inst.ID, "err", err)
			continue
		}
		out = append(out, cs...)
	}
	return out
}

// instanceConfigs returns the run and retry configs of one instance.
func (s *Schedules) instanceConfigs(inst *instance.Instance) ([]*asynq.PeriodicTaskConfig, error) {
	runCron, retryCron := s.Cronspecs(inst)
	route := Route{Keys: s.cfg.Store.Keys(), Queue: s.cfg.Queue}
	p := RunPayload{Instance: inst.ID, Trigger: TriggerSchedule}
	run, err := NewRunTask(p, route)
	if err != nil {
		return nil, err
	}
	retry, err := NewRetryTask(RunPayload{Instance: inst.ID, Trigger: TriggerRetry}, route)
	if err != nil {
		return nil, err
	}
	out := []*asynq.PeriodicTaskConfig{{Cronspec: runCron, Task: run}, {Cronspec: retryCron, Task: retry}}
	if cron := s.ReconcileCronspec(inst); cron != "" {
		rec, err := NewReconcileTask(RunPayload{Instance: inst.ID, Trigger: TriggerSchedule, Repair: inst.Options.ReconcileRepair}, route)
		if err != nil {
			return nil, err
		}
		out = append(out, &asynq.PeriodicTaskConfig{Cronspec: cron, Task: rec})
	}
	return out, nil
}

// ReconcileCronspec returns the cron spec, with its zone, of inst's
// scheduled reconciliation; "" when it has none.
func (s *Schedules) ReconcileCronspec(inst *instance.Instance) string {
	if inst.Options.ReconcileCron == "" {
		return ""
	}
	tz := cmp.Or(inst.Schedule.Timezone, s.cfg.NightlyTimezone, instance.DefaultTimezone)
	return "CRON_TZ=" + tz + " " + inst.Options.ReconcileCron
}

// Cronspecs returns the cron specs, with their zone, of inst's runs and
// of its daily retry.
func (s *Schedules) Cronspecs(inst *instance.Instance) (run, retry string) {
	cron, tz := cmp.Or(s.cfg.NightlyCron, instance.DefaultCron), cmp.Or(s.cfg.NightlyTimezone, instance.DefaultTimezone)
	if inst.Schedule.Cron != "" {
		cron = inst.Schedule.Cron
	}
	if inst.Schedule.Timezone != "" {
		tz = inst.Schedule.Timezone
	}
	prefix := "CRON_TZ=" + tz + " "
	return prefix + cron, prefix + cmp.Or(s.cfg.RetryCron, DefaultRetryCron)
}
