package connectors

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

func tokenLoginMethod() AuthMethod {
	return authMethod("tokenLogin", "Calls a login operation with a key and secret and sends the token it returns in a header; logs in again after a 401.", newTokenLogin)
}

// AuthTokenLogin configures the tokenLogin method: a login operation of
// the spec trades credentials for a token sent in a header (casavi: POST
// /authenticate {key, secret}, header `token`).
type AuthTokenLogin struct {
	// Operation is the operationId of the login call.
	Operation string `json:"operation" doc:"operationId of the login operation." example:"authenticate"`
	// Body maps request body fields to credentials.
	Body map[string]specs.Credential `json:"body" doc:"Login body fields, each a credential reference."`
	// Token is the path of the token in the login response.
	Token string `json:"token" doc:"Dotted path of the token in the login response." example:"token"`
	// ExpiresAt is the path of the expiry time (RFC 3339) in the response;
	// empty means the token lasts until a 401.
	ExpiresAt string `json:"expiresAt,omitempty" doc:"Dotted path of the token's expiry time in the response."`
	// Header receives the token. Zero means "Authorization".
	Header string `json:"header,omitempty" default:"Authorization" doc:"Header that carries the token." example:"token"`
	// Prefix goes before the token in the header ("Bearer ").
	Prefix string `json:"prefix,omitempty" doc:"Text before the token in the header." example:"Bearer "`
}

var (
	_ specs.PluginChecker = (*AuthTokenLogin)(nil)
	_ specs.SchemeMatcher = (*AuthTokenLogin)(nil)
	_ specs.Summarizer    = (*AuthTokenLogin)(nil)
	_ AuthServer          = (*AuthTokenLogin)(nil)
	_ specs.ParamSender   = (*AuthTokenLogin)(nil)
)

// Check checks that the login operation exists.
func (c *AuthTokenLogin) Check(k *specs.PluginCheck) { k.Operation("operation", c.Operation) }

// HeaderName returns the header that carries the token.
func (c *AuthTokenLogin) HeaderName() string {
	if c.Header == "" {
		return "Authorization"
	}
	return c.Header
}

// SentParam says which header carries the token.
func (c *AuthTokenLogin) SentParam() (in, name string) { return "header", c.HeaderName() }

// MatchesScheme reports whether the token, sent in its header, could be
// security scheme s.
func (c *AuthTokenLogin) MatchesScheme(s *openapi3.SecurityScheme) bool {
	header := c.HeaderName()
	if strings.EqualFold(header, "Authorization") && s.Type == "http" {
		return !strings.EqualFold(s.Scheme, "basic")
	}
	return s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, header)
}

// Summary describes the method for explain.
func (c *AuthTokenLogin) Summary() string {
	return fmt.Sprintf("token login via %s, token in header %q", c.Operation, c.Header)
}

// Served says that a server expects, in the header, a token its login
// operation issued.
func (c *AuthTokenLogin) Served() ServedAuth {
	login := &ServedLogin{Operation: c.Operation, Fields: slices.Sorted(maps.Keys(c.Body)), Token: c.Token, ExpiresAt: c.ExpiresAt}
	return ServedAuth{In: "header", Name: c.HeaderName(), Prefix: c.Prefix, Login: login}
}

// tokenLogin trades credentials for a token at a login operation of the
// spec (casavi: POST /authenticate {key, secret} -> {token}).
type tokenLogin struct {
	env     AuthEnv
	cfg     *AuthTokenLogin
	body    map[string]any
	token   jsonvalue.Path
	expires jsonvalue.Path
	header  string
	cache   tokenCache
}

var _ Authenticator = (*tokenLogin)(nil)

func newTokenLogin(c *AuthTokenLogin, env AuthEnv) (Authenticator, error) {
	if c.Operation == "" || c.Token == "" {
		return nil, fmt.Errorf("tokenLogin needs operation and token")
	}
	if err := headerName(c.HeaderName()); err != nil {
		return nil, fmt.Errorf("tokenLogin.header: %w", err)
	}
	if bad := headerFault(c.Prefix); bad != "" {
		return nil, fmt.Errorf("tokenLogin.prefix holds %s, which a header cannot carry", bad)
	}
	t := &tokenLogin{env: env, cfg: c, body: map[string]any{}, token: jsonvalue.ParsePath(c.Token), expires: jsonvalue.ParsePath(c.ExpiresAt), header: c.HeaderName()}
	for field, ref := range c.Body {
		v, err := env.Secret(ref)
		if err != nil {
			return nil, fmt.Errorf("tokenLogin.body.%s: %w", field, err)
		}
		t.body[field] = v
	}
	t.cache = tokenCache{method: "tokenLogin", clock: env.Clock, early: defaultRefreshBefore, fetch: t.login, conceal: env.Conceal}
	return t, nil
}

func (t *tokenLogin) Authorize(ctx context.Context, req *http.Request) error {
	tok, err := t.cache.get(ctx)
	if err != nil {
		return err
	}
	req.Header.Set(t.header, t.cfg.Prefix+tok)
	return nil
}

func (t *tokenLogin) Refused(req *http.Request) bool {
	t.cache.drop(strings.TrimPrefix(req.Header.Get(t.header), t.cfg.Prefix))
	return true
}

// login calls the login operation; it runs under the cache's lock.
func (t *tokenLogin) login(ctx context.Context) (string, time.Time, error) {
	resp, err := t.env.Call(ctx, t.cfg.Operation, t.body)
	if err != nil {
		return "", time.Time{}, t.loginError(err)
	}
	v, _ := t.token.Lookup(resp)
	tok, ok := v.(string)
	if !ok || tok == "" {
		return "", time.Time{}, &AuthError{Method: "tokenLogin", Detail: fmt.Sprintf("the login response has no token at %q", t.cfg.Token)}
	}
	t.env.Conceal(tok)
	exp, err := t.expiry(resp)
	return tok, exp, err
}

// expiry reads the token's expiry time; without an expiresAt path the token
// lasts until refused.
func (t *tokenLogin) expiry(resp any) (time.Time, error) {
	if len(t.expires) == 0 {
		return time.Time{}, nil
	}
	v, _ := t.expires.Lookup(resp)
	s, _ := v.(string)
	exp, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &AuthError{Method: "tokenLogin", Detail: fmt.Sprintf("the login response's %q is not an RFC 3339 time", t.cfg.ExpiresAt)}
	}
	return exp, nil
}

func (t *tokenLogin) loginError(err error) error {
	var he *HTTPError
	if errors.As(err, &he) {
		return &AuthError{Method: "tokenLogin", Status: he.Status, Detail: "the login operation refused the credentials", Err: err}
	}
	return &AuthError{Method: "tokenLogin", Detail: "the login request failed", Err: err}
}
