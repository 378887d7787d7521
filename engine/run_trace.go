package engine

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// tracerName names the engine's tracer (the instrumentation scope).
const tracerName = "github.com/specsync/specsync/engine"

// tracer returns the tracer of cfg: its TracerProvider's, or one that
// records nothing.
func (cfg Config) tracer() trace.Tracer {
	if cfg.TracerProvider == nil {
		return noop.Tracer{}
	}
	return cfg.TracerProvider.Tracer(tracerName)
}

// runKey is the context key of RunLabels.
type runKey struct{}

// RunLabels name the instance a run works for. A run's context carries
// them, so that what a run's requests pass through (a transport counting
// them) can say whose they are.
type RunLabels struct {
	Instance, Organisation string
}

// WithRun returns ctx carrying the labels of a run; the engine labels
// the context of every run, plan and reconciliation so.
func WithRun(ctx context.Context, l RunLabels) context.Context {
	return context.WithValue(ctx, runKey{}, l)
}

// RunOf returns the labels of the run ctx belongs to; zero outside a run.
func RunOf(ctx context.Context) RunLabels {
	l, _ := ctx.Value(runKey{}).(RunLabels)
	return l
}

// startRunSpan starts the span of a run (name "specsync.run",
// "specsync.plan" or "specsync.reconcile") and labels ctx with its
// instance.
func (r *run) startRunSpan(ctx context.Context, name string) (context.Context, trace.Span) {
	ctx = WithRun(ctx, RunLabels{Instance: r.inst.ID, Organisation: r.inst.Organisation})
	return r.cfg.tracer().Start(ctx, name, trace.WithAttributes(
		attribute.String("specsync.instance", r.inst.ID),
		attribute.String("specsync.organisation", r.inst.Organisation),
		attribute.String("specsync.run_id", r.id)))
}

// startFlowSpan starts the span of one flow (an entity in one direction).
func (r *run) startFlowSpan(ctx context.Context, f *flow) (context.Context, trace.Span) {
	return r.cfg.tracer().Start(ctx, "specsync.entity", trace.WithAttributes(
		attribute.String("specsync.direction", string(f.dir)),
		attribute.String("specsync.entity", f.entity)))
}

// endSpan ends span, marking it failed when err is not nil.
func endSpan(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
