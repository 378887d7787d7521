package server

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
)

// DefaultDedupeWindow is how long a webhook event is remembered, so that
// its repeated deliveries run one sync, when neither the instance's
// dedupeWindow option nor Config.DedupeWindow says otherwise.
const DefaultDedupeWindow = instance.DefaultDedupeWindow

// Config holds what the HTTP side needs. Redis is required, and
// AdminToken unless Insecure; every other zero field means the default it
// documents.
type Config struct {
	// Redis holds instances, runs, failures and the queue. Required.
	Redis redis.UniversalClient
	// Keys names the Redis keys. The zero value uses keys.DefaultPrefix.
	Keys keys.Namespace
	// Queue is the asynq queue tasks go to. Empty means Keys.Queue(),
	// derived from the prefix, as the scheduler and the worker derive it.
	Queue string
	// AdminToken is the bearer token of an admin of every organisation:
	// the admin API, the console and the monitor (a browser may send it
	// as the basic-auth password, or sign in with it as the secret).
	// Required unless Accounts holds one or Insecure.
	AdminToken string
	// Accounts are the users and tokens of the users file, each with a
	// role and an organisation. Nil means none: only AdminToken signs in.
	Accounts *Accounts
	// Insecure serves the admin API without a token; for local demos only.
	// /metrics is then open too, unless MetricsToken is set.
	Insecure bool
	// MetricsToken is a bearer token that reads /metrics and nothing else,
	// so that a scraper needs no admin token. Empty means /metrics takes
	// the admin token only.
	MetricsToken string
	// MetricsPublic serves /metrics without a token.
	MetricsPublic bool
	// Metrics is exported at /metrics. Nil means NewMetrics().
	Metrics *Metrics
	// Webhooks builds an instance's webhook checker. Nil means
	// SpecWebhooks, which builds it from the instance's specs.
	Webhooks WebhookLoader
	// DedupeWindow is the dedupe window of instances whose options set
	// none. Zero means DefaultDedupeWindow.
	DedupeWindow time.Duration
	// Monitor connects the queue monitor mounted at /monitoring. Nil
	// mounts none.
	Monitor asynq.RedisConnOpt
	// SessionTTL is how long a console session lasts after sign-in.
	// Zero means DefaultSessionTTL.
	SessionTTL time.Duration
	// Schedules tells the console when instances run next. Nil shows
	// no next run.
	Schedules *queue.Schedules
	// SpecDir is the folder relative paths of applied instances (specs,
	// model) are read from. Empty means the working directory.
	SpecDir string
	// Engine erases records and resolves uncertain creates for the admin
	// API. Nil means an engine on Redis and Keys with its defaults.
	Engine *engine.Engine
	// TracerProvider traces webhook deliveries (Tracing.Provider). Nil
	// means no traces.
	TracerProvider trace.TracerProvider
	// Clock tells the time. Nil means the system clock.
	Clock clock.Clock
	// Logger receives a line per refused request. Nil means slog.Default().
	Logger *slog.Logger
}

// Server serves the HTTP side. It is safe for concurrent use.
type Server struct {
	cfg     Config
	store   *instance.InstanceStore
	history *queue.History
	tokens  *queue.WebhookTokens
	seen    *queue.SeenEvents
	client  *asynq.Client
	api     *apiValidator
	mux     *http.ServeMux
	// sessions, crossOrigin and pages serve the console.
	sessions    *sessions
	crossOrigin *http.CrossOriginProtection
	pages       map[string]*template.Template
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Redis == nil {
		return nil, errors.New("server: no Redis client")
	}
	if cfg.AdminToken == "" && cfg.Accounts.Len() == 0 && !cfg.Insecure {
		return nil, errors.New("server: no admin token and no users: set SPECSYNC_ADMIN_TOKEN or give a users file with --users (or pass --insecure-no-admin-token for a local demo)")
	}
	defaults(&cfg)
	api, err := newAPIValidator()
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: instance.NewInstanceStore(cfg.Redis, cfg.Keys),
		history: queue.NewHistory(cfg.Redis, cfg.Keys, queue.HistoryConfig{}),
		tokens:  queue.NewWebhookTokens(cfg.Redis, cfg.Keys), seen: queue.NewSeenEvents(cfg.Redis, cfg.Keys), client: asynq.NewClientFromRedisClient(cfg.Redis),
		api: api, mux: http.NewServeMux(), pages: pages, crossOrigin: http.NewCrossOriginProtection(),
		sessions: &sessions{rdb: cfg.Redis, keys: cfg.Keys, ttl: cfg.SessionTTL, clock: cfg.Clock}}
	s.routes()
	return s, nil
}

// defaults fills the zero fields of cfg.
func defaults(cfg *Config) {
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Webhooks == nil {
		cfg.Webhooks = NewSpecWebhooks(instance.NewInstanceStore(cfg.Redis, cfg.Keys), queue.WebhookConfig{})
	}
	if cfg.Engine == nil {
		cfg.Engine, _ = engine.New(engine.Config{Redis: cfg.Redis, Keys: cfg.Keys, Logger: cfg.Logger}) // fails only without Redis, checked by New
	}
	cfg.Clock = clock.Or(cfg.Clock)
	cfg.Queue = queue.Route{Keys: cfg.Keys, Queue: cfg.Queue}.QueueName()
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.DedupeWindow == 0 {
		cfg.DedupeWindow = DefaultDedupeWindow
	}
}

// route is where the server's tasks go.
func (s *Server) route() queue.Route { return queue.Route{Keys: s.cfg.Keys, Queue: s.cfg.Queue} }

// Handler returns the server's routes, every request counted in metrics.
func (s *Server) Handler() http.Handler { return s.cfg.Metrics.Count(s.mux) }

// Close releases the server's queue client.
func (s *Server) Close() error {
	// The queue client shares the server's Redis connection, which its
	// owner closes; asynq refuses (and logs an error) to close it.
	return nil
}

// routes registers every endpoint.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metricsAuth(s.cfg.Metrics.Handler()))
	s.mux.HandleFunc("GET /openapi.json", s.openapi)
	s.mux.Handle("POST /webhooks/{instance}/{token}", serverSpans(s.cfg.TracerProvider, "/webhooks/{instance}/{token}", http.HandlerFunc(s.webhook)))
	s.mux.Handle("/api/", s.admin(s.api.validate(matchedRoute(s.apiRoutes()))))
	s.consoleRoutes()
	if s.cfg.Monitor != nil {
		s.mux.Handle("/monitoring/", s.console(s.monitor().ServeHTTP))
	}
}
