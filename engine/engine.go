package engine

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/transforms"
)

// Config holds what an Engine shares between runs. Only Redis is
// required; every other zero field means the default it documents.
type Config struct {
	// Redis keeps state, the failure ledger and the audit log. Required.
	Redis redis.UniversalClient
	// Keys names the Redis keys. The zero value uses keys.DefaultPrefix.
	Keys keys.Namespace
	// Templates compiles mappings and templates. Nil means
	// transforms.NewEnv().
	Templates *transforms.Env
	// Auth holds the auth methods of connectors. Nil means
	// connectors.DefaultAuth().
	Auth *connectors.AuthRegistry
	// Paginators holds the paging styles of connectors. Nil means
	// connectors.DefaultPaginators().
	Paginators *connectors.PaginatorRegistry
	// Transport sends the connectors' requests. Nil means the connectors'
	// keep-alive transport.
	Transport http.RoundTripper
	// ConnectorClock tells time and waits inside connectors (rate limits,
	// backoff). Nil means the system clock.
	ConnectorClock clock.Clock
	// Clock stamps state, failures and audit entries. Nil means the system
	// clock.
	Clock clock.Clock
	// TracerProvider traces runs: a span per run, plan or reconciliation
	// and one per entity and direction. Nil means no traces.
	TracerProvider trace.TracerProvider
	// Logger receives warnings and debug lines. Nil means slog.Default().
	Logger *slog.Logger
	// IncludeCache bounds how many related model records a run keeps for
	// the include templates of later entities. Zero means 50,000; a
	// record costs about its JSON size.
	IncludeCache int
	// LookupEnv reads environment variables for credential references.
	// Nil means os.LookupEnv.
	LookupEnv func(name string) (string, bool)
}

// DefaultIncludeCache is the default of Config.IncludeCache.
const DefaultIncludeCache = 50_000

// Engine runs and plans instances. It holds no per-run state: one Engine
// serves any number of concurrent runs of different instances and is
// safe for concurrent use. Two runs of the same instance must not overlap
// (the queue's unique tasks see to that).
type Engine struct {
	cfg Config
}

// New returns an Engine for cfg.
func New(cfg Config) (*Engine, error) {
	if cfg.Redis == nil {
		return nil, errors.New("engine: no Redis client; state, the failure ledger and the audit log live in Redis (set REDIS_URL or --redis)")
	}
	if cfg.Templates == nil {
		cfg.Templates = transforms.NewEnv()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Clock = clock.Or(cfg.Clock)
	cfg.IncludeCache = orDefault(cfg.IncludeCache, DefaultIncludeCache)
	return &Engine{cfg: cfg}, nil
}

// Audit returns the audit log the engine writes to, for queries.
func (e *Engine) Audit(inst *instance.Instance) *store.Audit {
	return store.NewAudit(e.cfg.Redis, e.cfg.Keys, e.auditConfig(inst, nil))
}

// Ledger returns the failure ledger of inst.
func (e *Engine) Ledger(inst *instance.Instance) *store.Ledger {
	return store.NewLedger(e.cfg.Redis, e.cfg.Keys, inst.ID, store.LedgerConfig{Clock: e.cfg.Clock})
}

// State returns the sync state of inst.
func (e *Engine) State(inst *instance.Instance) *store.State {
	return store.NewState(e.cfg.Redis, e.cfg.Keys, inst.ID, store.StateConfig{Clock: e.cfg.Clock})
}

// auditConfig is the audit configuration of inst: its caps and the
// personal fields of every entity.
func (e *Engine) auditConfig(inst *instance.Instance, personal map[string][]string) store.AuditConfig {
	return store.AuditConfig{
		MaxLen:   inst.Options.AuditLen(),
		MaxAge:   inst.Options.AuditAge(),
		Personal: personal,
		Clock:    e.cfg.Clock,
	}
}

// orDefault returns v, or def when v is the zero value.
func orDefault[T comparable](v, def T) T { return cmp.Or(v, def) }
