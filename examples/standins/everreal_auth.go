package standins

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tokenIssuer hands out and checks the OAuth2 tokens of the EverReal
// stand-in: the password grant for the configured client and user, and
// the refresh_token grant. Access tokens expire after the TTL; refresh
// tokens are used once.
//
// A tokenIssuer is safe for concurrent use.
type tokenIssuer struct {
	opts  EverRealOptions
	newID func() string

	mu      sync.Mutex
	access  map[string]time.Time // token -> expiry
	refresh map[string]bool
}

func newTokenIssuer(opts EverRealOptions, newID func() string) *tokenIssuer {
	return &tokenIssuer{opts: opts, newID: newID, access: map[string]time.Time{}, refresh: map[string]bool{}}
}

// errNoToken and errExpired explain a refused GraphQL request.
var (
	errNoToken = errors.New("no access token; send Authorization: Bearer <token> from POST " + EverRealTokenPath)
	errExpired = errors.New("the access token is unknown or expired; get a new one with the refresh_token grant")
)

// check accepts a request that carries a valid bearer token.
func (t *tokenIssuer) check(r *http.Request, now time.Time) error {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return errNoToken
	}
	t.mu.Lock()
	exp, known := t.access[token]
	t.mu.Unlock()
	if !known || !now.Before(exp) {
		return errExpired
	}
	return nil
}

// serveToken answers the token endpoint (RFC 6749 sections 4.3 and 6).
func (e *EverReal) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	if !e.tokens.client(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="everreal"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client id or wrong client secret")
		return
	}
	t := e.tokens
	var ok bool
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "password":
		ok = equal(r.PostForm.Get("username"), t.opts.Username) && equal(r.PostForm.Get("password"), t.opts.Password)
	case "refresh_token":
		ok = t.useRefresh(r.PostForm.Get("refresh_token"))
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be password or refresh_token, not "+grant)
		return
	}
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "wrong user name or password, or a refresh token that is unknown or used")
		return
	}
	e.count(func(s *EverRealStats) { s.Tokens++ })
	writeJSON(w, http.StatusOK, t.issue(e.opts.Now()))
}

// client checks the client credentials, given by basic auth or in the
// form.
func (t *tokenIssuer) client(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	return equal(id, t.opts.ClientID) && equal(secret, t.opts.ClientSecret)
}

// useRefresh consumes a refresh token.
func (t *tokenIssuer) useRefresh(token string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.refresh[token] {
		return false
	}
	delete(t.refresh, token)
	return true
}

// issue makes a new access and refresh token.
func (t *tokenIssuer) issue(now time.Time) map[string]any {
	access, refresh := t.newID(), t.newID()
	t.mu.Lock()
	t.access[access] = now.Add(t.opts.TokenTTL)
	t.refresh[refresh] = true
	t.mu.Unlock()
	return map[string]any{
		"access_token": access, "token_type": "bearer", "refresh_token": refresh,
		"expires_in": int64(t.opts.TokenTTL / time.Second),
	}
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// equal compares credentials in constant time.
func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// windowLimiter is a fixed-window request counter, as EverReal's limit
// of 300 requests a minute. A negative limit admits everything.
//
// A windowLimiter is safe for concurrent use.
type windowLimiter struct {
	limit  int
	window time.Duration

	mu    sync.Mutex
	start time.Time
	used  int
}

// take counts a request. It reports whether the request is admitted, the
// requests left in the window and the whole seconds until it ends.
func (l *windowLimiter) take(now time.Time) (ok bool, remaining, reset int) {
	if l.limit < 0 {
		return true, 0, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.used = now, 0
	}
	left := l.start.Add(l.window).Sub(now)
	reset = int((left + time.Second - 1) / time.Second)
	if l.used >= l.limit {
		return false, 0, reset
	}
	l.used++
	return true, l.limit - l.used, reset
}
