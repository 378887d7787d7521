package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an OTLP/HTTP trace endpoint that keeps the spans it is
// sent: their names and every attribute value.
type otlpReceiver struct {
	mu    sync.Mutex
	spans map[string]int
	attrs []string
}

// ServeHTTP decodes one protobuf export request.
func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(data, &req) != nil {
		http.Error(w, "not an OTLP trace export", http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				o.spans[s.Name]++
				for _, a := range s.Attributes {
					o.attrs = append(o.attrs, a.Key+"="+a.Value.String())
				}
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	_, _ = w.Write(out)
}

// TestTracesOverOTLP: with an endpoint, outbound requests and webhook
// deliveries are spans sent over OTLP/HTTP; a span names the route and
// the host, never a path (a webhook's path holds its token).
func TestTracesOverOTLP(t *testing.T) {
	recv := &otlpReceiver{spans: map[string]int{}}
	collector := httptest.NewServer(recv)
	defer collector.Close()
	tracing, err := NewTracing(context.Background(), TracingConfig{Endpoint: collector.URL})
	if err != nil || tracing == nil {
		t.Fatalf("NewTracing: %v, %v", tracing, err)
	}
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer partner.Close()
	resp, err := (&http.Client{Transport: tracing.Transport(nil)}).Get(partner.URL + "/tenants/secret-key-1?apiKey=hush")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ts := newTestServer(t, func(c *Config) { c.TracerProvider = tracing.Provider() })
	ts.do(t, "POST", "/webhooks/erp-partner/token-77aa", "", "{}")
	if err := tracing.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if recv.spans["HTTP GET"] != 1 || recv.spans["POST /webhooks/{instance}/{token}"] != 1 {
		t.Errorf("spans received: %v; want one outbound GET and one webhook delivery", recv.spans)
	}
	attrs := strings.Join(recv.attrs, " ")
	for _, want := range []string{strings.TrimPrefix(partner.URL, "http://"), "erp-partner", "http.response.status_code=int_value:204"} {
		if !strings.Contains(attrs, want) {
			t.Errorf("span attributes lack %s: %s", want, attrs)
		}
	}
	for _, secret := range []string{"token-77aa", "secret-key-1", "hush"} {
		if strings.Contains(attrs, secret) {
			t.Errorf("span attributes hold %s: %s", secret, attrs)
		}
	}
}

// TestTracingOffCostsNothing: without an endpoint there is no tracing,
// and what it would wrap is handed back unwrapped.
func TestTracingOffCostsNothing(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	tracing, err := NewTracing(context.Background(), TracingConfig{})
	if err != nil || tracing != nil {
		t.Fatalf("NewTracing without an endpoint: %v, %v; want nil, nil", tracing, err)
	}
	if tracing.Provider() != nil || tracing.Transport(nil) != nil || tracing.Transport(http.DefaultTransport) != http.DefaultTransport {
		t.Error("tracing that is off wraps what it is given")
	}
	if err := tracing.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
	if _, err := NewTracing(context.Background(), TracingConfig{Endpoint: "collector:4318"}); err == nil || !strings.Contains(err.Error(), "http://collector:4318") {
		t.Errorf("an endpoint without a scheme: %v; want an error that shows a URL", err)
	}
}
