package server

import (
	"context"
	"slices"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/keys"
)

// WatchQueue adds gauges read from Redis at each scrape: the queue's
// tasks by state, the failure ledgers' sizes and, from the shared run
// history, each instance's last run and last success. The history holds
// the runs of every process on the same Redis (workers, the command
// line), so these gauges see runs the in-process counters do not.
func (m *Metrics) WatchQueue(rdb redis.UniversalClient, ns keys.Namespace, queueName string) {
	m.reg.MustRegister(&queueCollector{insp: asynq.NewInspectorFromRedisClient(rdb), queue: queueName,
		store: instance.NewInstanceStore(rdb, ns), history: queue.NewHistory(rdb, ns, queue.HistoryConfig{}), rdb: rdb, ns: ns})
}

// queueCollector reads queue depth, ledger sizes and the run history at
// scrape time.
type queueCollector struct {
	insp    *asynq.Inspector
	queue   string
	store   *instance.InstanceStore
	history *queue.History
	rdb     redis.UniversalClient
	ns      keys.Namespace
}

var (
	queueDesc  = prometheus.NewDesc("specsync_queue_tasks", "Tasks in the queue by state.", []string{"state"}, nil)
	ledgerDesc = prometheus.NewDesc("specsync_ledger_failures", "Open failures in an instance's failure ledger.",
		[]string{"instance_id", "organisation"}, nil)
	lastRunDesc = prometheus.NewDesc("specsync_last_run_timestamp_seconds",
		"When the newest finished run of an instance's task ended (Unix time), from the run history shared by every process.",
		[]string{"instance_id", "organisation", "task"}, nil)
	lastOutcomeDesc = prometheus.NewDesc("specsync_last_run_outcome",
		"1 for the outcome (ok, partial, failed, skipped) of the newest finished run of an instance's task, 0 for the others.",
		[]string{"instance_id", "organisation", "task", "outcome"}, nil)
	lastSuccessDesc = prometheus.NewDesc("specsync_last_success_timestamp_seconds",
		"When the newest run of an instance that reached its systems (outcome ok or partial) ended (Unix time); when none of the kept runs did, when the oldest kept run started.",
		[]string{"instance_id", "organisation"}, nil)
)

// outcomes are the values of specsync_last_run_outcome's outcome label.
var outcomes = []string{queue.RunOK, queue.RunPartial, queue.RunFailed, queue.RunSkipped}

// Describe sends the collector's descriptions.
func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueDesc, ledgerDesc, lastRunDesc, lastOutcomeDesc, lastSuccessDesc} {
		ch <- d
	}
}

// queueInfo reads the queue's counts; a queue nothing was ever enqueued
// to counts zero.
func (c *queueCollector) queueInfo() (*asynq.QueueInfo, error) {
	queues, err := c.insp.Queues()
	if err != nil || !slices.Contains(queues, c.queue) {
		return &asynq.QueueInfo{}, err
	}
	return c.insp.GetQueueInfo(c.queue)
}

// Collect reads the queue, the ledgers and the run history; what cannot
// be read is left out.
func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	if info, err := c.queueInfo(); err == nil {
		for state, n := range map[string]int{"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
			"retry": info.Retry, "archived": info.Archived} {
			ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n), state)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	insts, err := c.store.List(ctx, instance.ListFilter{})
	if err != nil {
		return
	}
	for _, inst := range insts {
		n, err := store.NewLedger(c.rdb, c.ns, inst.ID, store.LedgerConfig{}).Count(ctx, store.LedgerFilter{})
		if err == nil {
			ch <- prometheus.MustNewConstMetric(ledgerDesc, prometheus.GaugeValue, float64(n), inst.ID, inst.Organisation)
		}
		if runs, err := c.history.List(ctx, inst.ID, 0, 0); err == nil {
			collectRuns(ch, inst, runs)
		}
	}
}

// collectRuns sends the last-run and last-success gauges of inst from
// its kept runs, newest first.
func collectRuns(ch chan<- prometheus.Metric, inst *instance.Instance, runs []queue.RunRecord) {
	if len(runs) == 0 {
		return
	}
	seen := map[string]bool{}
	var success time.Time
	for _, run := range runs {
		if success.IsZero() && (run.Outcome == queue.RunOK || run.Outcome == queue.RunPartial) {
			success = run.Finished
		}
		if seen[run.Task] {
			continue
		}
		seen[run.Task] = true
		ch <- prometheus.MustNewConstMetric(lastRunDesc, prometheus.GaugeValue, unixSeconds(run.Finished), inst.ID, inst.Organisation, run.Task)
		for _, o := range outcomes {
			ch <- prometheus.MustNewConstMetric(lastOutcomeDesc, prometheus.GaugeValue, boolValue(run.Outcome == o), inst.ID, inst.Organisation, run.Task, o)
		}
	}
	if success.IsZero() {
		success = runs[len(runs)-1].Started // no success since at least then
	}
	ch <- prometheus.MustNewConstMetric(lastSuccessDesc, prometheus.GaugeValue, unixSeconds(success), inst.ID, inst.Organisation)
}

// unixSeconds is t as Unix time in seconds, with fractions.
func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// boolValue is 1 for true, 0 for false.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
