package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hibiken/asynq"
	"github.com/spf13/cobra"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/server"
	"github.com/specsync/specsync/server/notify"
)

// serveOptions are the flags of `specsync serve`.
type serveOptions struct {
	redis           redisOptions
	role            string
	listen          string
	concurrency     int
	queue           string
	prefix          string
	nightly         string
	timezone        string
	retryCron       string
	insecure        bool
	metricsPublic   bool
	notify          string
	users           string
	shutdownTimeout time.Duration
	otlpEndpoint    string
}

// route is where the installation's tasks go: the --queue, or the queue
// derived from --prefix, with the prefix in every payload.
func (o serveOptions) route() queue.Route {
	return queue.Route{Keys: keys.New(o.prefix), Queue: o.queue}
}

func newServeCmd() *cobra.Command {
	o := serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run queue workers, the scheduler and the admin API against Redis",
		Long: `serve runs asynq workers and the scheduler in one process (--role all, the
default) or one role per process (--role worker|scheduler); several processes
on one Redis share the work. The HTTP side (admin API, webhooks, console,
/monitoring, /metrics, /healthz, /readyz) runs in every role.

The admin API needs a bearer token: SPECSYNC_ADMIN_TOKEN (or the file
SPECSYNC_ADMIN_TOKEN_FILE names), an admin of every organisation, or a token
of the --users file, whose accounts have a role (viewer, operator, admin) and
an organisation. serve refuses to start without either unless
--insecure-no-admin-token is given (local demos).
/metrics takes the admin token or, for a scraper that should hold no admin
token, SPECSYNC_METRICS_TOKEN; --metrics-public serves it without a token.
Traces of runs, outbound requests and webhooks go over OTLP/HTTP to
--otlp-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT; with neither, none are made.
SIGTERM stops taking tasks, lets running ones finish (up to
--shutdown-timeout; unfinished tasks go back to the queue) and exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			return serve(ctx, cmd, o)
		},
	}
	f := cmd.Flags()
	o.redis.flags(f)
	f.StringVar(&o.role, "role", "all", "what this process runs: all, worker or scheduler")
	f.StringVar(&o.listen, "listen", ":8080", "listen address of the HTTP side")
	f.IntVar(&o.concurrency, "concurrency", 10, "tasks (instance runs) a worker process runs at once")
	f.StringVar(&o.queue, "queue", "", "asynq queue name (default: the prefix without its trailing colon)")
	addPrefixFlag(f, &o.prefix)
	f.StringVar(&o.nightly, "nightly", instance.DefaultCron, "installation-wide schedule of instances without their own cron")
	f.StringVar(&o.timezone, "timezone", instance.DefaultTimezone, "time zone of --nightly for instances without their own zone")
	f.StringVar(&o.retryCron, "retry-cron", queue.DefaultRetryCron, "daily retry of every instance's failure ledger (instance zone)")
	f.BoolVar(&o.insecure, "insecure-no-admin-token", false, "serve the admin API without a token (local demos only)")
	f.BoolVar(&o.metricsPublic, "metrics-public", false, "serve /metrics without a token (default: the metrics or the admin token)")
	f.StringVar(&o.notify, "notify", "", "JSON or YAML file of per-organisation notifications (webhook, e-mail)")
	f.StringVar(&o.users, "users", os.Getenv("SPECSYNC_USERS_FILE"), "JSON or YAML file of users and tokens with roles and organisations (default $SPECSYNC_USERS_FILE)")
	f.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 5*time.Minute, "how long running tasks may take to finish after SIGTERM")
	f.StringVar(&o.otlpEndpoint, "otlp-endpoint", "", "send traces of runs, requests and webhooks over OTLP/HTTP to this URL (default: OTEL_EXPORTER_OTLP_ENDPOINT; neither: no traces)")
	return cmd
}

// serve wires Redis, the engine, the queue and the HTTP side, and runs
// until ctx is done.
func serve(ctx context.Context, cmd *cobra.Command, o serveOptions) error {
	if o.role != "all" && o.role != "worker" && o.role != "scheduler" {
		return &exitError{code: 2, err: fmt.Errorf("--role %q: want all, worker or scheduler", o.role)}
	}
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	rdb, connOpt, err := o.redis.client()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer rdb.Close()
	p, err := newServeParts(o, rdb, connOpt, log)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	return p.run(ctx, o, log)
}

// serveParts are the running pieces of `specsync serve`.
type serveParts struct {
	api     *server.Server
	metrics *server.Metrics
	tracing *server.Tracing
	worker  *asynq.Server
	mux     *asynq.ServeMux
	sched   *asynq.PeriodicTaskManager
}

// newServeParts builds the pieces o's role needs.
func newServeParts(o serveOptions, rdb redisClient, connOpt asynq.RedisConnOpt, log *slog.Logger) (*serveParts, error) {
	ns := keys.New(o.prefix)
	tracing, err := server.NewTracing(context.Background(), server.TracingConfig{Endpoint: o.otlpEndpoint})
	if err != nil {
		return nil, err
	}
	metrics := server.NewMetrics()
	metrics.WatchQueue(rdb, ns, o.route().QueueName())
	scheds := queue.NewSchedules(queue.ScheduleConfig{Store: instance.NewInstanceStore(rdb, ns), NightlyCron: o.nightly,
		NightlyTimezone: o.timezone, RetryCron: o.retryCron, Queue: o.queue, Logger: log})
	auth, err := loadAuth(o.users, &connectors.Credentials{})
	if err != nil {
		return nil, err
	}
	api, err := server.New(server.Config{TracerProvider: tracing.Provider(), Redis: rdb, Keys: ns, Queue: o.queue, AdminToken: auth.adminToken, Accounts: auth.accounts,
		Insecure: o.insecure, MetricsToken: os.Getenv("SPECSYNC_METRICS_TOKEN"), MetricsPublic: o.metricsPublic, Metrics: metrics, Monitor: connOpt, Schedules: scheds, Logger: log})
	if err != nil {
		return nil, err
	}
	p := &serveParts{api: api, metrics: metrics, tracing: tracing}
	if o.role != "scheduler" {
		if err := p.buildWorker(o, rdb, ns, log); err != nil {
			return nil, err
		}
	}
	if o.role != "worker" {
		p.sched, err = queue.NewScheduler(queue.SchedulerConfig{Redis: rdb, Schedules: scheds, Observer: metrics, Logger: log})
	}
	return p, err
}

// buildWorker builds the engine and the asynq server of a worker.
func (p *serveParts) buildWorker(o serveOptions, rdb redisClient, ns keys.Namespace, log *slog.Logger) error {
	eng, err := engine.New(engine.Config{Redis: rdb, Keys: ns, Transport: p.metrics.Transport(p.tracing.Transport(nil)),
		ConnectorClock: p.metrics.Clock(nil), TracerProvider: p.tracing.Provider(), Logger: log})
	if err != nil {
		return err
	}
	notifier, err := loadNotifier(o.notify, log)
	if err != nil {
		return err
	}
	return p.addWorker(o, rdb, ns, eng, notifier, log)
}

// addWorker builds the worker that runs instances with eng, and its asynq
// server.
func (p *serveParts) addWorker(o serveOptions, rdb redisClient, ns keys.Namespace, eng *engine.Engine, notifier queue.Notifier, log *slog.Logger) error {
	store := instance.NewInstanceStore(rdb, ns)
	w, err := queue.NewWorker(queue.WorkerConfig{Runner: queue.NewEngineRunner(eng, store, loadOptions()),
		Store: store, History: queue.NewHistory(rdb, ns, queue.HistoryConfig{}),
		Observer: p.metrics, Notifier: notifier, Logger: log})
	if err != nil {
		return err
	}
	p.mux = w.Mux()
	p.worker = asynq.NewServerFromRedisClient(rdb, asynq.Config{Concurrency: o.concurrency, Queues: map[string]int{o.route().QueueName(): 1},
		ShutdownTimeout: o.shutdownTimeout, RetryDelayFunc: w.RetryDelay, IsFailure: w.IsFailure, LogLevel: asynq.WarnLevel})
	return nil
}

// run starts every piece, waits for ctx and shuts down in order: stop
// taking requests and tasks, let running tasks finish, stop the scheduler.
func (p *serveParts) run(ctx context.Context, o serveOptions, log *slog.Logger) error {
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("--listen: %w", err)}
	}
	hs := &http.Server{Handler: p.api.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if err := p.start(); err != nil {
		return err
	}
	log.Info("serving", "role", o.role, "listen", ln.Addr().String(), "queue", o.route().QueueName(), "prefix", keys.New(o.prefix).Prefix())
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	log.Info("shutting down: no new tasks; running ones finish")
	p.stop(hs)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// start starts the worker and the scheduler of the role.
func (p *serveParts) start() error {
	if p.worker != nil {
		if err := p.worker.Start(p.mux); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
	}
	if p.sched != nil {
		if err := p.sched.Start(); err != nil {
			return fmt.Errorf("scheduler: %w", err)
		}
	}
	return nil
}

// stop shuts every piece down; the worker waits for its running tasks.
func (p *serveParts) stop(hs *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = hs.Shutdown(ctx) // an unfinished HTTP request is cut off; nothing is lost
	if p.sched != nil {
		p.sched.Shutdown()
	}
	if p.worker != nil {
		p.worker.Shutdown()
	}
	_ = p.api.Close()
	if err := p.tracing.Shutdown(ctx); err != nil {
		slog.Default().Warn("traces not all sent", "err", err)
	}
}

// loadNotifier reads the --notify file; no file means no notifications.
func loadNotifier(path string, log *slog.Logger) (queue.Notifier, error) {
	if path == "" {
		log.Info("no --notify file: operators are not notified of failed runs")
		return nil, nil
	}
	cfg, err := notify.ReadConfig(path)
	if err != nil {
		return nil, err
	}
	return notify.New(cfg, nil), nil
}
