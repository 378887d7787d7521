package connectors

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

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
	Clock Clock
	// Logger is the client's logger (redacting).
	Logger *slog.Logger
}

// AuthMethod is a registered auth method.
type AuthMethod struct {
	// Name is the JSON name of the method's field in specs.Auth ("oauth2").
	Name string
	// Doc says in one sentence what the method does.
	Doc string
	// Configured reports whether a selects this method (its field is set).
	Configured func(a *specs.Auth) bool
	// New builds the method's Authenticator for one client. It resolves the
	// credentials it needs, so missing ones are reported when the client is
	// built.
	New func(a *specs.Auth, env AuthEnv) (Authenticator, error)
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

// Register adds a method; a method without a name, Configured or New, or
// whose name is taken, is refused.
func (r *AuthRegistry) Register(m AuthMethod) error {
	if m.Configured == nil || m.New == nil {
		return errIncomplete("auth method", m.Name)
	}
	return r.reg.register("auth method", m.Name, m)
}

// Lookup returns the method registered under name.
func (r *AuthRegistry) Lookup(name string) (AuthMethod, bool) { return r.reg.lookup(name) }

// Names lists the registered methods, sorted.
func (r *AuthRegistry) Names() []string { return r.reg.names() }

// choose returns the one method a selects.
func (r *AuthRegistry) choose(a *specs.Auth) (AuthMethod, error) {
	_, m, err := r.reg.only("auth method", func(m AuthMethod) bool { return m.Configured(a) })
	return m, err
}

// tokenCache holds one token, obtains it once for all concurrent callers,
// renews it `early` before it expires, and drops it when the system refuses
// it. It is safe for concurrent use.
type tokenCache struct {
	clock   Clock
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
