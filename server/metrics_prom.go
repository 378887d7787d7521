package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/clock"
)

// Metrics are the Prometheus metrics of `specsync serve`, in a registry
// of their own; docs/metrics.md lists them with their labels. Every
// instance_id label names a configured instance (from the run history,
// the instance store or a run's context), never a value a request sent,
// so the series are bounded by the instances applied. (The label is not
// called instance: Prometheus gives that name to the scraped target.) Metrics implements
// queue.Observer. It is safe for concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	records  *prometheus.CounterVec
	read     *prometheus.CounterVec
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
	skipped  *prometheus.CounterVec
	webhooks *prometheus.CounterVec
	requests *prometheus.CounterVec
	served   *prometheus.CounterVec
	serving  *prometheus.HistogramVec
	waits    *prometheus.CounterVec
	waited   *prometheus.CounterVec
}

var _ queue.Observer = (*Metrics)(nil)

// Label sets of the metrics.
var (
	runLabels     = []string{"instance_id", "organisation", "task", "trigger", "outcome"}
	recordLabels  = []string{"instance_id", "organisation", "direction", "entity", "outcome"}
	readLabels    = []string{"instance_id", "organisation", "direction", "entity"}
	requestLabels = []string{"instance_id", "organisation", "host", "status"}
	servedLabels  = []string{"route", "method", "code"}
)

// NewMetrics returns the metrics, registered with Go and process
// collectors.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(),
		records: counter("specsync_records_total", "Records written or judged by runs, by instance, direction, entity and outcome (created, adopted, updated, deleted, skipped, denied, failed, conflicts, guarded, divergent); reconciliations count drift and repaired. Records read are in specsync_records_read_total.", recordLabels),
		read:    counter("specsync_records_read_total", "Records read by runs from their source, by instance, direction and entity.", readLabels),
		runs:    counter("specsync_runs_total", "Runs this process finished, by instance, task, trigger (schedule, manual, webhook, retry) and outcome. Runs of other processes are in specsync_last_run_timestamp_seconds.", runLabels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "specsync_run_duration_seconds",
			Help: "Duration of the runs this process finished, by instance and task.", Buckets: prometheus.ExponentialBuckets(0.1, 4, 10)},
			[]string{"instance_id", "organisation", "task"}),
		skipped:  counter("specsync_enqueue_skipped_total", "Tasks not enqueued because the same instance's task was still pending or running.", []string{"task"}),
		webhooks: counter("specsync_webhooks_total", "Webhook deliveries by instance and result; the instance is empty for a delivery to an instance that does not exist.", []string{"instance_id", "organisation", "result"}),
		requests: counter("specsync_http_requests_total", "Outbound requests to home and partner systems by instance, host and status (0: no response).", requestLabels),
		served:   counter("specsync_http_server_requests_total", "Requests this server answered, by route pattern (\"none\" when no route matched), method and status code.", servedLabels),
		serving: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "specsync_http_server_request_duration_seconds",
			Help: "Time this server took to answer, by route pattern and method.", Buckets: prometheus.DefBuckets}, []string{"route", "method"}),
		waits:  counter("specsync_connector_waits_total", "Waits inside connectors by reason: rate-limit, retry-after or backoff.", []string{"reason"}),
		waited: counter("specsync_connector_wait_seconds_total", "Time connectors waited, by reason: rate-limit, retry-after or backoff.", []string{"reason"}),
	}
	m.reg.MustRegister(m.records, m.read, m.runs, m.duration, m.skipped, m.webhooks, m.requests, m.served, m.serving, m.waits, m.waited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// counter returns a counter vector.
func counter(name, help string, labels []string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// Registry returns the registry, for more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// RunFinished counts a run and its records; records read are counted
// apart from the outcomes.
func (m *Metrics) RunFinished(rec queue.RunRecord) {
	m.runs.WithLabelValues(rec.Instance, rec.Organisation, rec.Task, rec.Trigger, rec.Outcome).Inc()
	m.duration.WithLabelValues(rec.Instance, rec.Organisation, rec.Task).Observe(rec.Duration().Seconds())
	for _, e := range rec.Entities {
		for outcome, n := range e.Counts {
			if outcome == "read" {
				m.read.WithLabelValues(rec.Instance, rec.Organisation, string(e.Direction), e.Entity).Add(float64(n))
				continue
			}
			m.records.WithLabelValues(rec.Instance, rec.Organisation, string(e.Direction), e.Entity, outcome).Add(float64(n))
		}
	}
}

// EnqueueSkipped counts a task not enqueued because one was running.
func (m *Metrics) EnqueueSkipped(taskType, _ string) { m.skipped.WithLabelValues(taskType).Inc() }

// Webhook counts a webhook delivery to inst by result; inst is nil when
// the delivery named no stored instance.
func (m *Metrics) Webhook(inst *instance.Instance, result string) {
	var id, org string
	if inst != nil {
		id, org = inst.ID, inst.Organisation
	}
	m.webhooks.WithLabelValues(id, org, result).Inc()
}

// Transport wraps rt (nil: http.DefaultTransport) so that every request
// is counted by the instance of its run (engine.RunOf), host and status;
// give it to engine.Config.Transport.
func (m *Metrics) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return countingTransport{next: rt, requests: m.requests}
}

// countingTransport counts requests by instance, host and status.
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
	run := engine.RunOf(req.Context())
	t.requests.WithLabelValues(run.Instance, run.Organisation, req.URL.Host, strconv.Itoa(status)).Inc()
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
