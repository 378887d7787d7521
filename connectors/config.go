package connectors

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// ValidationMode says what the client does with requests and responses that
// do not match the spec's schemas.
type ValidationMode string

const (
	// ValidationOff skips validation on the wire. The engine still checks
	// mapped bodies against the request schema before writing.
	ValidationOff ValidationMode = "off"
	// ValidationWarn logs mismatches at warning level and carries on.
	ValidationWarn ValidationMode = "warn"
	// ValidationStrict refuses a mismatching request before sending it, and
	// a mismatching response, with a *ValidationError.
	ValidationStrict ValidationMode = "strict"
)

// Config tunes a Client. The zero value works for a spec whose first server
// needs no variables, with no auth credentials by name, no shared rate limit
// store and no validation on the wire.
type Config struct {
	// Instance names the instance the client works for. It scopes the
	// shared rate limit in Redis (with the spec's system name) when the
	// spec's rateLimit.scope is instance. Empty means "default".
	Instance string
	// Credentials are the instance's named credentials, which spec
	// references of the form {"credential": "name"} resolve to. Each is
	// itself an env or file reference. Nil means none.
	Credentials map[string]specs.Credential
	// ServerVariables fill the variables of the spec's server URLs
	// ("subdomain": "acme"). A variable not given here takes the default
	// the spec declares. Values that would change the URL's structure
	// (containing "/", "@", ":", "?", "#", "\", "%" or spaces) are refused.
	ServerVariables map[string]string
	// BaseURL replaces the spec's servers (a local mock, a staging system).
	// It must be an absolute http or https URL. Empty means the spec's first
	// server. URLs of the spec's auth on a replaced server's origin, such
	// as an OAuth2 token endpoint next to the API, move with it: their
	// paths are kept, behind any prefix the base adds to the server's path
	// (a proxy's "/partner" in "http://proxy/partner/api"). Those on other
	// origins stay.
	BaseURL string

	// Redis shares the rate limit between every process calling the same
	// system with the same account: the same server and the same
	// credential references (named credentials resolved through
	// Credentials), whichever instance they work for; or, when the spec's
	// rateLimit.scope is instance, the same system and instance. Nil means
	// an in-process limiter, which only limits this client.
	Redis redis.UniversalClient
	// KeyPrefix starts every Redis key; the rate limit's key is
	// "<prefix>ratelimit:{<system>:<account>}", the account a hash of the
	// references (never of a secret), or with scope instance
	// "<prefix>{<instance>}:ratelimit:<system>" (internal/keys). Empty
	// means keys.DefaultPrefix ("specsync:").
	KeyPrefix string

	// Validation checks requests and responses against the spec. Empty
	// means ValidationOff.
	Validation ValidationMode
	// InvalidText says what becomes of a record whose strings are not
	// clean text (bytes that are not UTF-8, a lone surrogate escape, a
	// NUL character). Empty means TextFail.
	InvalidText TextMode
	// Timeout bounds one attempt of one request, reading the response
	// included; an attempt ends within an eighth of it after it runs out.
	// Zero means 30s.
	Timeout time.Duration
	// Concurrency caps this client's requests in flight. Zero means the
	// spec's rateLimit.concurrency, or 4 when the spec has none.
	Concurrency int
	// MaxResponseBytes caps the size of a response body. Zero means 64 MiB.
	MaxResponseBytes int64

	// Transport sends requests. Nil means a keep-alive transport tuned for
	// Concurrency that takes its proxy from the environment
	// (HTTPS_PROXY, NO_PROXY). The outbound guard wraps it either way.
	Transport http.RoundTripper
	// Clock tells time and waits. Nil means clock.System.
	Clock clock.Clock
	// Logger receives warnings (validation in warn mode, retries). Secrets
	// are redacted from everything it receives. Nil means slog.Default().
	Logger *slog.Logger
	// Auth holds the auth methods. Nil means DefaultAuth(). Specs loaded
	// with Plugins{Auth, Paginators}.Describe() are checked against the
	// same plug-ins the client runs.
	Auth *AuthRegistry
	// Paginators holds the paging styles. Nil means DefaultPaginators().
	Paginators *PaginatorRegistry
	// Templates compiles the spec's parameter templates. Nil means
	// transforms.NewEnv().
	Templates *transforms.Env
	// LookupEnv reads environment variables for credential references. Nil
	// means os.LookupEnv.
	LookupEnv func(name string) (string, bool)
	// ReadFile reads files for credential references. Nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
}

const (
	defaultInstance         = "default"
	defaultTimeout          = 30 * time.Second
	defaultConcurrency      = 4
	defaultMaxResponseBytes = 64 << 20
)

// withDefaults returns cfg with every zero field that has a default filled.
func (cfg Config) withDefaults(s *specs.Sync) Config {
	if cfg.Instance == "" {
		cfg.Instance = defaultInstance
	}
	if cfg.Validation == "" {
		cfg.Validation = ValidationOff
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = defaultConcurrency
		if s.RateLimit != nil && s.RateLimit.Concurrency > 0 {
			cfg.Concurrency = s.RateLimit.Concurrency
		}
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = defaultMaxResponseBytes
	}
	cfg.Clock = clock.Or(cfg.Clock)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Auth == nil {
		cfg.Auth = DefaultAuth()
	}
	if cfg.Paginators == nil {
		cfg.Paginators = DefaultPaginators()
	}
	if cfg.Templates == nil {
		cfg.Templates = transforms.NewEnv()
	}
	return cfg
}
