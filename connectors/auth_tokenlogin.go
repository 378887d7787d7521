package connectors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/specsync/specsync/specs"
)

func tokenLoginMethod() AuthMethod {
	return AuthMethod{
		Name:       "tokenLogin",
		Doc:        "Calls a login operation with a key and secret and sends the token it returns in a header; logs in again after a 401.",
		Configured: func(a *specs.Auth) bool { return a.TokenLogin != nil },
		New:        newTokenLogin,
	}
}

// tokenLogin trades credentials for a token at a login operation of the
// spec (casavi: POST /authenticate {key, secret} -> {token}).
type tokenLogin struct {
	env     AuthEnv
	cfg     *specs.AuthTokenLogin
	body    map[string]any
	token   path
	expires path
	header  string
	cache   tokenCache
}

var _ Authenticator = (*tokenLogin)(nil)

func newTokenLogin(a *specs.Auth, env AuthEnv) (Authenticator, error) {
	c := a.TokenLogin
	if c.Operation == "" || c.Token == "" {
		return nil, fmt.Errorf("tokenLogin needs operation and token")
	}
	t := &tokenLogin{env: env, cfg: c, body: map[string]any{}, token: parsePath(c.Token), expires: parsePath(c.ExpiresAt), header: c.Header}
	if t.header == "" {
		t.header = "Authorization"
	}
	for field, ref := range c.Body {
		v, err := env.Secret(ref)
		if err != nil {
			return nil, fmt.Errorf("tokenLogin.body.%s: %w", field, err)
		}
		t.body[field] = v
	}
	t.cache = tokenCache{clock: env.Clock, early: defaultRefreshBefore, fetch: t.login, conceal: env.Conceal}
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
	v, _ := t.token.lookup(resp)
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
	v, _ := t.expires.lookup(resp)
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
