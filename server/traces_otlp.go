package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// TracingConfig says where traces go. The zero value sends none unless
// the environment names an OTLP endpoint.
type TracingConfig struct {
	// Endpoint is the URL of the OTLP over HTTP receiver traces are sent
	// to ("http://collector:4318"); as with OTEL_EXPORTER_OTLP_ENDPOINT,
	// /v1/traces is added when it has no path. Empty means
	// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT;
	// when neither is set, tracing is off.
	Endpoint string
	// Version is the service.version of the traces. Empty means none.
	Version string
}

// Tracing sends the spans of runs, outbound requests and webhooks over
// OTLP/HTTP. A nil *Tracing is tracing switched off: its methods hand
// back what they are given and cost nothing. It is safe for concurrent
// use.
type Tracing struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
}

// tracingEnv are the variables that switch tracing on, most specific first.
var tracingEnv = []string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"}

// NewTracing starts tracing when cfg or the environment names an
// endpoint; it returns nil, and no error, when none does. The exporter
// also reads the other OTEL_EXPORTER_OTLP_* variables (headers, timeout,
// TLS) and the resource the OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES ones.
func NewTracing(ctx context.Context, cfg TracingConfig) (*Tracing, error) {
	if cfg.Endpoint == "" && cmp.Or(os.Getenv(tracingEnv[0]), os.Getenv(tracingEnv[1])) == "" {
		return nil, nil
	}
	var opts []otlptracehttp.Option
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("traces: endpoint %q: want the URL of an OTLP/HTTP receiver, like http://collector:4318", cfg.Endpoint)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/v1/traces"
		}
		opts = append(opts, otlptracehttp.WithEndpointURL(u.String()))
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("traces: OTLP exporter: %w", err)
	}
	attrs := []attribute.KeyValue{attribute.String("service.name", "specsync")}
	if cfg.Version != "" {
		attrs = append(attrs, attribute.String("service.version", cfg.Version))
	}
	res, err := resource.New(ctx, resource.WithAttributes(attrs...), resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("traces: resource: %w", err)
	}
	return newTracing(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

// newTracing returns tracing with a provider of opts.
func newTracing(opts ...sdktrace.TracerProviderOption) *Tracing {
	p := sdktrace.NewTracerProvider(opts...)
	return &Tracing{provider: p, tracer: p.Tracer("github.com/specsync/specsync/server")}
}

// Provider is the tracer provider to give to engine.Config.TracerProvider
// and Config.TracerProvider; nil when tracing is off.
func (t *Tracing) Provider() trace.TracerProvider {
	if t == nil {
		return nil
	}
	return t.provider
}

// Shutdown sends the spans not sent yet and stops tracing.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}

// Transport wraps rt (nil: the connectors' own transport, when tracing
// is off) so that every request is a client span: method, host and
// status, never the path or query, which may carry keys and secrets.
// Off, it returns rt itself.
func (t *Tracing) Transport(rt http.RoundTripper) http.RoundTripper {
	if t == nil {
		return rt
	}
	if rt == nil {
		rt = http.DefaultTransport
	}
	return tracingTransport{next: rt, tracer: t.tracer}
}

// tracingTransport makes a client span of each request.
type tracingTransport struct {
	next   http.RoundTripper
	tracer trace.Tracer
}

// RoundTrip sends req in a span.
func (t tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, span := t.tracer.Start(req.Context(), "HTTP "+req.Method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("http.request.method", req.Method), attribute.String("server.address", req.URL.Host)))
	defer span.End()
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return resp, err
	}
	span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
	if resp.StatusCode >= 400 {
		span.SetStatus(codes.Error, strconv.Itoa(resp.StatusCode))
	}
	return resp, nil
}

// serverSpans wraps h, served at route, so that every request is a
// server span when tp is not nil: method, route and the instance named
// by the path, never the path itself (a webhook's holds its token).
func serverSpans(tp trace.TracerProvider, route string, h http.Handler) http.Handler {
	if tp == nil {
		return h
	}
	tracer := tp.Tracer("github.com/specsync/specsync/server")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), r.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("http.route", route),
				attribute.String("specsync.instance", r.PathValue("instance"))))
		defer span.End()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r.WithContext(ctx))
		span.SetAttributes(attribute.Int("http.response.status_code", sw.code))
		if sw.code >= 500 {
			span.SetStatus(codes.Error, strconv.Itoa(sw.code))
		}
	})
}
