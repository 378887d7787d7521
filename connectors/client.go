package connectors

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/specs"
)

// Client executes the operations of one connector spec for one instance.
// It is safe for concurrent use; build one per instance and share it
// between the goroutines working for that instance, so they share its
// connections, tokens and concurrency cap.
type Client struct {
	spec      *specs.Spec
	cfg       Config
	system    string
	ops       map[string]opRef
	out       *outbound
	http      *http.Client
	auth      Authenticator
	authName  string   // the auth method's name
	authRefs  []string // the credential references the auth method uses
	limit     limiter
	slots     *deadlines
	retry     retryPolicy
	redact    *redactor
	creds     *Credentials
	log       *slog.Logger
	clock     clock.Clock
	valid     *validator
	gqlErrors jsonvalue.Path
	entities  map[string]*entity
	reach     reach // whether the system answered
}

// New builds a client for spec, which should have passed specs.Validate.
// It resolves the credentials the auth method needs, fills the server
// variables and compiles every operation's templates, so a problem with
// any of them is reported here, not in the middle of a run.
func New(spec *specs.Spec, cfg Config) (*Client, error) {
	if spec == nil || spec.Doc == nil || spec.Sync == nil {
		return nil, fmt.Errorf("connectors: the spec is not loaded (it needs its document and x-sync)")
	}
	c := &Client{spec: spec, cfg: cfg.withDefaults(spec.Sync), system: spec.Sync.System, redact: &redactor{}}
	if err := c.init(); err != nil {
		return nil, c.redact.wrap(fmt.Errorf("connectors: %s: %w", c.label(), err))
	}
	return c, nil
}

func (c *Client) label() string {
	if c.system != "" {
		return c.system
	}
	return c.spec.Path
}

func (c *Client) init() error {
	c.clock = c.cfg.Clock
	c.log = slog.New(redactHandler{next: c.cfg.Logger.Handler(), r: c.redact})
	c.creds = &Credentials{Named: c.cfg.Credentials, LookupEnv: c.cfg.LookupEnv, ReadFile: c.cfg.ReadFile, redact: c.redact}
	c.ops = indexOperations(c.spec.Doc)
	c.retry = newRetryPolicy(c.spec.Sync.Retry)
	c.slots = newDeadlines(c.cfg.Concurrency, c.cfg.Timeout)
	c.valid = newValidator(c.cfg.Validation, c.redact, c.log)
	c.gqlErrors = jsonvalue.ParsePath("errors")
	if g := c.spec.Sync.GraphQL; g != nil && g.Errors != "" {
		c.gqlErrors = jsonvalue.ParsePath(g.Errors)
	}
	steps := []func() error{c.initOutbound, c.initLimiter, c.initAuth, c.initEntities}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) initOutbound() error {
	out, err := newOutbound(c.spec.Doc, c.cfg.ServerVariables, c.cfg.BaseURL)
	if err != nil {
		return err
	}
	c.out = out
	next := c.cfg.Transport
	if next == nil {
		next = newTransport(c.cfg)
	}
	c.http = &http.Client{Transport: guardTransport{next: reachTransport{next: next, r: &c.reach}, guard: out}, CheckRedirect: out.checkRedirect}
	return nil
}

// maxResponseHeaderBytes caps the headers of a response, as a server's
// default caps those of a request: no API needs more, and the transport's
// own default (10 MiB) lets a hostile server make every request hold that
// much.
const maxResponseHeaderBytes = 1 << 20

// newTransport is a keep-alive transport with a connection pool sized for
// the concurrency cap, timeouts on dialing and TLS, and the proxy from the
// environment. A request's whole exchange is bounded by Config.Timeout
// through its context (every request has one, token requests too), so the
// transport keeps no response header timer of its own; the headers of a
// response are capped at maxResponseHeaderBytes.
func newTransport(cfg Config) *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           max(100, 2*cfg.Concurrency),
		MaxIdleConnsPerHost:    max(cfg.Concurrency, 8),
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
}

func (c *Client) initLimiter() error {
	interval, burst, ok := rateOf(c.spec.Sync.RateLimit)
	if !ok || c.cfg.Redis == nil {
		c.limit = newLocalLimiter(c.spec.Sync.RateLimit, c.clock)
		return nil
	}
	key, err := c.limitKey(keys.New(c.cfg.KeyPrefix))
	if err != nil {
		return err
	}
	c.limit = &redisLimiter{
		rdb:      c.cfg.Redis,
		key:      key,
		interval: interval,
		burst:    burst,
		clock:    c.clock,
	}
	return nil
}

func (c *Client) initAuth() error {
	a := c.spec.Sync.Auth
	if a == nil {
		return nil
	}
	m, cfg, err := c.cfg.Auth.choose(a)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	auth, err := m.New(cfg, c.authEnv())
	if err != nil {
		return fmt.Errorf("auth %s: %w", m.Name, err)
	}
	c.auth, c.authName = auth, m.Name
	for _, ref := range specs.References(cfg) {
		c.authRefs = append(c.authRefs, ref.String())
	}
	return nil
}

func (c *Client) authEnv() AuthEnv {
	return AuthEnv{
		Secret:     c.creds.Resolve,
		Conceal:    c.redact.add,
		Redact:     c.redact.redact,
		HTTPClient: &http.Client{Transport: c.http.Transport, CheckRedirect: c.out.checkRedirect, Timeout: c.cfg.Timeout},
		ServerURL:  c.serverURL,
		Call:       c.call,
		Clock:      c.clock,
		Logger:     c.log,
	}
}

// serverURL fills server variables in raw and checks the outbound guard.
func (c *Client) serverURL(raw string) (*url.URL, error) {
	u, err := c.out.parse(raw)
	if err != nil {
		return nil, err
	}
	u = c.out.follow(u)
	if err := c.out.check(u); err != nil {
		return nil, err
	}
	return u, nil
}

// call sends body to an operation without credentials (a login).
func (c *Client) call(ctx context.Context, operationID string, body any) (any, error) {
	op, err := c.compileOperation("auth", &specs.Operation{Operation: operationID}, false)
	if err != nil {
		return nil, err
	}
	r := &request{op: op, out: c.out, body: body}
	enc, err := r.encode()
	if err != nil {
		return nil, err
	}
	defer enc.release()
	resp, _, err := c.attemptWithout(ctx, op, enc)
	if err != nil {
		return nil, err
	}
	defer resp.release()
	return resp.decode()
}

// attemptWithout sends enc once with no credentials, outside the
// concurrency cap (it runs while a request holds a slot) but within the
// rate limit: the system counts a login like any request.
func (c *Client) attemptWithout(ctx context.Context, op *operation, enc *encoded) (*response, *http.Request, error) {
	if err := c.limit.wait(ctx); err != nil {
		return nil, nil, &unsentError{err}
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := enc.httpRequest(actx, false)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.roundTrip(op, req, false)
	return resp, req, err
}

// Entities lists the spec's entities, sorted.
func (c *Client) Entities() []string {
	return slices.Sorted(maps.Keys(c.entities))
}

// seal redacts secrets from the text of an error leaving the client.
func (c *Client) seal(err error) error {
	if err == nil {
		return nil
	}
	return c.redact.wrap(err)
}
