package engine

import (
	"log/slog"
	"net/http"
	"sync"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// labelRecorder remembers the run labels of the requests it sends.
type labelRecorder struct {
	mu   sync.Mutex
	seen map[RunLabels]int
}

// RoundTrip records req's run labels and sends it.
func (l *labelRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.seen[RunOf(req.Context())]++
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestRunTracedAndLabelled: with a tracer provider, a run is one span
// named for its instance with a child per entity and direction; every
// request of the run carries the run's labels in its context.
func TestRunTracedAndLabelled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	h.seedHome(newHomeData(1, 2))
	spans := tracetest.NewSpanRecorder()
	labels := &labelRecorder{seen: map[RunLabels]int{}}
	var err error
	h.eng, err = New(Config{Redis: h.rdb, Keys: h.ns, Clock: h.clock, Logger: slog.New(slog.DiscardHandler),
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)), Transport: labels})
	if err != nil {
		t.Fatal(err)
	}
	sum := h.run(RunOptions{})
	var run sdktrace.ReadOnlySpan
	for _, s := range spans.Ended() {
		if s.Name() == "specsync.run" {
			run = s
		}
	}
	if run == nil {
		t.Fatalf("no run span among %d spans", len(spans.Ended()))
	}
	entities := map[string]bool{}
	for _, s := range spans.Ended() {
		if s.Name() != "specsync.entity" {
			continue
		}
		a := map[string]string{}
		for _, kv := range s.Attributes() {
			a[string(kv.Key)] = kv.Value.AsString()
		}
		entities[a["specsync.direction"]+" "+a["specsync.entity"]] = s.Parent().SpanID() == run.SpanContext().SpanID()
	}
	attrs := map[string]string{}
	for _, a := range run.Attributes() {
		attrs[string(a.Key)] = a.Value.AsString()
	}
	if attrs["specsync.instance"] != "test-inst" || attrs["specsync.organisation"] != "acme" || attrs["specsync.run_id"] != sum.RunID {
		t.Errorf("run span attributes: %v; want instance test-inst, organisation acme and run %s", attrs, sum.RunID)
	}
	if len(entities) != len(sum.Entities) || !entities["push tenant"] {
		t.Errorf("entity spans: %v; want one per entity of the summary (%d), each inside the run", entities, len(sum.Entities))
	}
	for e, child := range entities {
		if !child {
			t.Errorf("the span of entity %s is not inside the run's", e)
		}
	}
	if len(labels.seen) != 1 || labels.seen[RunLabels{Instance: "test-inst", Organisation: "acme"}] == 0 {
		t.Errorf("run labels of the run's requests: %v; want test-inst of acme on every one", labels.seen)
	}
}
