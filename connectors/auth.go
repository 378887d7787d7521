package connectors

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
)

// Authenticator adds credentials to requests. Implementations must be safe
// for concurrent use.
type Authenticator interface {
	// Authorize adds credentials to req, obtaining a token first when it
	// has none or the one it has is about to expire.
	Authorize(ctx context.Context, req *http.Request) error
	// Refused is told that the system answered req with 401. It drops the
	// credential req carried, unless it was already replaced, and reports
	// whether sending the request again may succeed: true for tokens, which
	// are obtained again, false for static credentials. The client asks at
	// most once per request.
	Refused(req *http.Request) bool
}

// AuthEnv is what an auth method gets from the client that uses it.
type AuthEnv struct {
	// Secret resolves a credential reference. From then on the secret is
	// redacted from the client's errors and logs.
	Secret func(ref specs.Credential) (string, error)
	// Conceal registers a secret obtained at run time (a token) so that
	// it is redacted too.
	Conceal func(secret string)
	// Redact removes every registered secret from text.
	Redact func(text string) string
	// HTTPClient sends token requests. It has the client's timeouts, proxy
	// and outbound guard, and adds no credentials.
	HTTPClient *http.Client
	// ServerURL fills the spec's server variables in raw
	// ("https://{subdomain}.everreal.co/token") and refuses a URL outside
	// the spec's servers with ErrOutboundRefused.
	ServerURL func(raw string) (*url.URL, error)
	// Call sends body as JSON to the spec operation with the given
	// operationId, without credentials, and returns the decoded response
	// (numbers as json.Number). A non-2xx status is an *HTTPError.
	Call func(ctx context.Context, operationID string, body any) (any, error)
	// Clock tells time for token expiry.
	Clock clock.Clock
	// Logger is the client's logger (redacting).
	Logger *slog.Logger
}

// AuthMethod is a registered auth method: its description for specs and
// its runtime. A method lives in one file, auth_<name>.go, with its config
// struct (whose struct tags document its keys), the config's checks and
// the Authenticator it builds.
type AuthMethod struct {
	// Name is the value of auth.type that chooses the method ("oauth2").
	Name string
	// Doc says in one sentence what the method does.
	Doc string
	// Config returns a pointer to a new zero config struct (see
	// specs.Plugin).
	Config func() any
	// New builds the method's Authenticator for one client from its config
	// (a value Config returned, decoded). It resolves the credentials it
	// needs, so missing ones are reported when the client is built.
	New func(config any, env AuthEnv) (Authenticator, error)
}

// authMethod makes the AuthMethod of config type C.
func authMethod[C any](name, doc string, build func(*C, AuthEnv) (Authenticator, error)) AuthMethod {
	return AuthMethod{Name: name, Doc: doc, Config: func() any { return new(C) },
		New: func(config any, env AuthEnv) (Authenticator, error) { return build(config.(*C), env) }}
}

// Describe returns the method's description for specs.
func (m AuthMethod) Describe() specs.Plugin {
	return specs.Plugin{Kind: specs.PluginAuth, Name: m.Name, Doc: m.Doc, Config: m.Config}
}

// AuthRegistry holds auth methods by name. Register every method before
// building clients; after that it is safe for concurrent use.
type AuthRegistry struct {
	reg registry[AuthMethod]
}

// DefaultAuth returns a new registry holding the built-in methods: apiKey,
// basic, bearer, oauth2 and tokenLogin.
func DefaultAuth() *AuthRegistry {
	r := &AuthRegistry{}
	for _, m := range []AuthMethod{apiKeyMethod(), basicMethod(), bearerMethod(), oauth2Method(), tokenLoginMethod()} {
		r.reg.put(m.Name, m)
	}
	return r
}

// Register adds a method; a method without a name, Config or New, or whose
// name is taken, is refused.
func (r *AuthRegistry) Register(m AuthMethod) error {
	if m.Config == nil || m.New == nil {
		return errIncomplete("auth method", m.Name)
	}
	return r.reg.register("auth method", m.Name, m)
}

// Lookup returns the method registered under name.
func (r *AuthRegistry) Lookup(name string) (AuthMethod, bool) { return r.reg.lookup(name) }

// Names lists the registered methods, sorted.
func (r *AuthRegistry) Names() []string { return r.reg.names() }

// Config returns the decoded config of the method a chooses.
func (r *AuthRegistry) Config(a *specs.Auth) (any, error) {
	_, cfg, err := r.choose(a)
	return cfg, err
}

// choose returns the method a chooses and its decoded config.
func (r *AuthRegistry) choose(a *specs.Auth) (AuthMethod, any, error) {
	m, ok := r.reg.lookup(a.Type)
	if !ok {
		return AuthMethod{}, nil, r.reg.unknown("auth method", a.Type)
	}
	cfg, err := settings(m.Describe(), a.Settings, a.Config)
	return m, cfg, err
}

// inAuthorization reports whether security scheme s documents a
// credential sent in the Authorization header with the HTTP
// authentication scheme named scheme ("bearer"): an http scheme of that
// name, or an apiKey scheme in a header named Authorization (in any
// case), which documents the header but not the form of its value.
func inAuthorization(s *openapi3.SecurityScheme, scheme string) bool {
	switch s.Type {
	case "http":
		return strings.EqualFold(s.Scheme, scheme)
	case "apiKey":
		return s.In == "header" && strings.EqualFold(s.Name, "Authorization")
	}
	return false
}

// headerSecret checks that a secret can be sent in a header after
// prefix: net/http refuses a header value with a control character other
// than tab (a secret file of several lines, say) before sending it. The
// error describes the reference, never the secret.
func headerSecret(ref specs.Credential, prefix, secret string) error {
	if bad := headerFault(prefix + secret); bad != "" {
		return &CredentialError{Ref: ref.String(), Reason: "the value cannot be sent in an HTTP header: it holds " + bad +
			"; keep the secret on one line without control characters (a file may end with one line break)"}
	}
	return nil
}

// headerFault names the first byte of v that net/http refuses in a
// header value: "" when there is none.
func headerFault(v string) string {
	for i := 0; i < len(v); i++ {
		switch b := v[i]; {
		case b == '\n' || b == '\r':
			return "a line break"
		case b < ' ' && b != '\t', b == 0x7f:
			return fmt.Sprintf("the control character %#02x", b)
		}
	}
	return ""
}

// headerName checks that name can be a header's name (an RFC 9110
// token), as net/http requires.
func headerName(name string) error {
	if name == "" {
		return fmt.Errorf("the header name is empty")
	}
	for _, r := range name {
		if !strings.ContainsRune(tokenChars, r) {
			return fmt.Errorf("the header name %q holds %q, which a header name cannot hold", name, r)
		}
	}
	return nil
}

// tokenChars are the characters of an RFC 9110 token.
const tokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// tokenCache holds one token, obtains it once for all concurrent callers,
// renews it `early` before it expires, and drops it when the system refuses
// it. It is safe for concurrent use.
type tokenCache struct {
	method  string // the auth method, for errors
	clock   clock.Clock
	early   time.Duration
	fetch   func(ctx context.Context) (token string, expiry time.Time, err error)
	conceal func(string)

	mu     sync.Mutex
	token  string
	expiry time.Time
}

// get returns a valid token, obtaining a new one when needed.
func (c *tokenCache) get(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && (c.expiry.IsZero() || c.clock.Now().Before(c.expiry.Add(-c.early))) {
		return c.token, nil
	}
	tok, exp, err := c.fetch(ctx)
	if err != nil {
		return "", err
	}
	c.conceal(tok)
	if bad := headerFault(tok); bad != "" {
		return "", &AuthError{Method: c.method, Detail: "the token the system issued cannot be sent in an HTTP header: it holds " + bad}
	}
	c.token, c.expiry = tok, exp
	return tok, nil
}

// drop forgets token if it is still the current one.
func (c *tokenCache) drop(token string) {
	c.mu.Lock()
	if c.token == token {
		c.token = ""
	}
	c.mu.Unlock()
}
