package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
)

// Metrics are the Prometheus metrics of `specsync serve`, in a registry
// of their own. Metrics implements engine.Observer. It is safe for
// concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	records  *prometheus.CounterVec
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
	skipped  *prometheus.CounterVec
	webhooks *prometheus.CounterVec
	requests *prometheus.CounterVec
	waits    *prometheus.CounterVec
	waited   *prometheus.CounterVec
}

var _ queue.Observer = (*Metrics)(nil)

// NewMetrics returns the metrics, registered with Go and process
// collectors.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "specsync_records_total",
			Help: "Records handled by runs, by direction, entity and outcome (read, created, adopted, updated, deleted, skipped, denied, failed, conflicts, guarded, divergent); reconciliations count drift and repaired."}, []string{"direction", "entity", "outcome"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "specsync_runs_total",
			Help: "Finished runs by task, trigger (schedule, manual, webhook, retry) and outcome."}, []string{"task", "trigger", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "specsync_run_duration_seconds",
			Help: "Duration of finished runs.", Buckets: prometheus.ExponentialBuckets(0.1, 4, 10)}, []string{"task"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "specsync_enqueue_skipped_total",
			Help: "Tasks not enqueued because the same instance's task was still pending or running."}, []string{"task"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "specsync_webhooks_total",
			Help: "Webhook deliveries by result."}, []string{"result"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "specsync_http_requests_total",
			Help: "Outbound requests to home and partner systems by host and status (0: no response)."}, []string{"host", "status"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "specsync_connector_waits_total",
			Help: "Waits inside connectors by reason: rate-limit, retry-after or backoff."}, []string{"reason"}),
		waited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "specsync_connector_wait_seconds_total",
			Help: "Time connectors waited, by reason: rate-limit, retry-after or backoff."}, []string{"reason"}),
	}
	m.reg.MustRegister(m.records, m.runs, m.duration, m.skipped, m.webhooks, m.requests, m.waits, m.waited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry, for more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// RunFinished counts a run and its records.
func (m *Metrics) RunFinished(rec queue.RunRecord) {
	m.runs.WithLabelValues(rec.Task, rec.Trigger, rec.Outcome).Inc()
	m.duration.WithLabelValues(rec.Task).Observe(rec.Duration().Seconds())
	for _, e := range rec.Entities {
		for outcome, n := range e.Counts {
			m.records.WithLabelValues(string(e.Direction), e.Entity, outcome).Add(float64(n))
		}
	}
}

// EnqueueSkipped counts a task not enqueued because one was running.
func (m *Metrics) EnqueueSkipped(taskType, _ string) { m.skipped.WithLabelValues(taskType).Inc() }

// Webhook counts a webhook delivery by result.
func (m *Metrics) Webhook(_, result string) { m.webhooks.WithLabelValues(result).Inc() }

// Transport wraps rt (nil: http.DefaultTransport) so that every request
// is counted by host and status; give it to engine.Config.Transport.
func (m *Metrics) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return countingTransport{next: rt, requests: m.requests}
}

// countingTransport counts requests by host and status.
type countingTransport struct {
	next     http.RoundTripper
	requests *prometheus.CounterVec
}

// RoundTrip sends req and counts it.
func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	t.requests.WithLabelValues(req.URL.Host, strconv.Itoa(status)).Inc()
	return resp, err
}

// Clock wraps c (nil: clock.System) so that every wait of a connector is
// counted by its reason (connectors.WaitReasonOf; "other" when it gives
// none); give it to engine.Config.ConnectorClock.
func (m *Metrics) Clock(c clock.Clock) clock.Clock {
	return countingClock{Clock: clock.Or(c), m: m}
}

// countingClock counts the waits of a clock.Clock.
type countingClock struct {
	clock.Clock
	m *Metrics
}

// Sleep waits for d and counts the wait by its reason.
func (c countingClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		reason := string(connectors.WaitReasonOf(ctx))
		if reason == "" {
			reason = "other"
		}
		c.m.waits.WithLabelValues(reason).Inc()
		c.m.waited.WithLabelValues(reason).Add(d.Seconds())
	}
	return c.Clock.Sleep(ctx, d)
}

// WatchQueue adds gauges of the queue's tasks by state and of the
// failure ledgers' sizes, read from Redis at each scrape.
func (m *Metrics) WatchQueue(rdb redis.UniversalClient, ns keys.Namespace, queue string) {
	m.reg.MustRegister(&queueCollector{insp: asynq.NewInspectorFromRedisClient(rdb), queue: queue,
		store: instance.NewInstanceStore(rdb, ns), rdb: rdb, ns: ns})
}

// queueCollector reads queue depth and ledger sizes at scrape time.
type queueCollector struct {
	insp  *asynq.Inspector
	queue string
	store *instance.InstanceStore
	rdb   redis.UniversalClient
	ns    keys.Namespace
}

var (
	queueDesc  = prometheus.NewDesc("specsync_queue_tasks", "Tasks in the queue by state.", []string{"state"}, nil)
	ledgerDesc = prometheus.NewDesc("specsync_ledger_failures", "Open failures in an instance's failure ledger.", []string{"instance"}, nil)
)

// Describe sends the collector's descriptions.
func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc; ch <- ledgerDesc }

// queueInfo reads the queue's counts; a queue nothing was ever enqueued
// to counts zero.
func (c *queueCollector) queueInfo() (*asynq.QueueInfo, error) {
	queues, err := c.insp.Queues()
	if err != nil || !slices.Contains(queues, c.queue) {
		return &asynq.QueueInfo{}, err
	}
	return c.insp.GetQueueInfo(c.queue)
}

// Collect reads the queue and the ledgers; what cannot be read is left out.
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
			ch <- prometheus.MustNewConstMetric(ledgerDesc, prometheus.GaugeValue, float64(n), inst.ID)
		}
	}
}
