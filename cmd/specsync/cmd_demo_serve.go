package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
)

// serveDemo keeps the demo running after its two rounds: the stand-ins
// stay up and `specsync serve` runs on the demo's Redis with the admin
// API, the console and the queue monitor on listen, without an admin
// token (the demo is local), until ctx ends.
func serveDemo(ctx context.Context, cfg demoConfig, listen string, log *slog.Logger) error {
	o := serveOptions{role: "scheduler", listen: listen, concurrency: 4, prefix: cfg.Keys.Prefix(),
		nightly: instance.DefaultCron, timezone: instance.DefaultTimezone, retryCron: queue.DefaultRetryCron,
		insecure: true, shutdownTimeout: 30 * time.Second}
	p, err := newServeParts(o, cfg.Redis, cfg.connOpt, log)
	if err != nil {
		return err
	}
	if err := p.demoWorker(o, cfg, log); err != nil {
		return err
	}
	o.role = "all"
	fmt.Fprintf(cfg.Out, "\nServing on http://%s/ (console, /monitoring/ queue monitor, /api/ admin API without a token); Ctrl-C stops.\n", listen)
	return p.run(ctx, o, log)
}

// demoWorker builds the worker of serveDemo: the serve command's worker,
// with an engine that reads the demo's credentials.
func (p *serveParts) demoWorker(o serveOptions, cfg demoConfig, log *slog.Logger) error {
	eng, err := engine.New(engine.Config{Redis: cfg.Redis, Keys: cfg.Keys, Transport: p.metrics.Transport(p.tracing.Transport(nil)),
		TracerProvider: p.tracing.Provider(), Logger: log, LookupEnv: cfg.LookupEnv})
	if err != nil {
		return err
	}
	return p.addWorker(o, cfg.Redis, cfg.Keys, eng, nil, log)
}
