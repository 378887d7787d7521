package mock

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// defaultTokenTTL is how long issued tokens live when Options.TokenTTL is 0.
const defaultTokenTTL = time.Hour

// authError is a refused credential; it becomes a 401.
type authError struct {
	msg       string
	challenge string // WWW-Authenticate value
}

func (e *authError) Error() string { return e.msg }

// authenticator emulates the spec's auth method. Static credentials (API
// key, basic, bearer) are accepted when present, whatever their value;
// with Options.RequireAuth missing ones are refused. Token logins and OAuth2
// hand out tokens, and only those tokens, unexpired, are accepted.
//
// An authenticator is safe for concurrent use.
type authenticator struct {
	// served is what the spec's auth method expects; nil without auth.
	served *connectors.ServedAuth
	// tokenPath is the OAuth2 token endpoint's path, "" when the token URL
	// points at a fixed remote host the mock cannot stand in for.
	tokenPath string
	// loginOp is the operationId of the token login, "" without one.
	loginOp string
	newID   func() string

	mu       sync.Mutex
	tokens   map[string]time.Time // access token -> expiry
	refreshs map[string]bool
}

// newAuthenticator emulates the auth method a chooses, decoded with the
// built-in methods; a method the mock cannot serve is an error.
func newAuthenticator(a *specs.Auth, newID func() string) (*authenticator, error) {
	out := &authenticator{newID: newID, tokens: map[string]time.Time{}, refreshs: map[string]bool{}}
	if a == nil {
		return out, nil
	}
	cfg, err := connectors.DefaultAuth().Config(a)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	server, ok := cfg.(connectors.AuthServer)
	if !ok {
		return nil, fmt.Errorf("auth: the mock cannot serve auth method %q", a.Type)
	}
	served := server.Served()
	out.served = &served
	if served.Login != nil {
		out.loginOp = served.Login.Operation
	}
	if served.TokenURL != "" {
		out.tokenPath = servedTokenPath(served.TokenURL)
	}
	return out, nil
}

// servedTokenPath returns the path of a token URL the mock can serve: one
// that is relative, on localhost, or whose host is a server variable
// ("https://{subdomain}.everreal.co/oauth/token"), since clients then send
// it to the mock's own address. Other hosts are not served; requests then
// only need some bearer token.
func servedTokenPath(tokenURL string) string {
	host, path := "", tokenURL
	if _, rest, ok := strings.Cut(tokenURL, "://"); ok {
		host, path, _ = strings.Cut(rest, "/")
		path = "/" + path
	}
	path, _, _ = strings.Cut(path, "?")
	if strings.Contains(path, "{") {
		return ""
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	switch name {
	case "", "localhost", "127.0.0.1", "::1", "[::1]":
		return path
	}
	if strings.Contains(host, "{") {
		return path
	}
	return ""
}

// check verifies the credentials of an API request.
func (a *authenticator) check(r *http.Request, rt *setup) error {
	s, require := a.served, rt.opts.RequireAuth
	switch {
	case s == nil:
		return nil
	case s.Login != nil:
		token, _ := strings.CutPrefix(r.Header.Get(s.Name), s.Prefix)
		return a.checkToken(token, rt.now(), s.Name, "")
	case a.tokenPath != "":
		return a.checkToken(bearerToken(r), rt.now(), "Authorization", `Bearer realm="mock", error="invalid_token"`)
	case s.In == "basic":
		if user, _, ok := r.BasicAuth(); require && (!ok || user == "") {
			return &authError{msg: "missing basic credentials", challenge: `Basic realm="mock"`}
		}
	case s.In == "bearer":
		if require && bearerToken(r) == "" {
			return &authError{msg: "missing bearer token", challenge: `Bearer realm="mock"`}
		}
	case require && apiKey(r, s.In, s.Name) == "":
		return &authError{msg: fmt.Sprintf("missing API key in %s %q", s.In, s.Name)}
	}
	return nil
}

// checkToken accepts tokens this server issued that have not expired.
func (a *authenticator) checkToken(token string, now time.Time, where, challenge string) error {
	if token == "" {
		return &authError{msg: fmt.Sprintf("missing token in header %q; log in first", where), challenge: challenge}
	}
	a.mu.Lock()
	exp, ok := a.tokens[token]
	a.mu.Unlock()
	switch {
	case !ok:
		return &authError{msg: fmt.Sprintf("the token in header %q was not issued by this server; log in again", where), challenge: challenge}
	case !now.Before(exp):
		return &authError{msg: fmt.Sprintf("the token in header %q expired; refresh it or log in again", where), challenge: challenge}
	}
	return nil
}

// issue makes an access token valid for ttl.
func (a *authenticator) issue(now time.Time, ttl time.Duration) (token string, exp time.Time) {
	token, exp = a.newID(), now.Add(ttl)
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.tokens) > 1024 {
		for t, e := range a.tokens {
			if !now.Before(e) {
				delete(a.tokens, t)
			}
		}
	}
	a.tokens[token] = exp
	return token, exp
}

// login answers the token login operation with a token and its expiry at
// the paths the spec names.
func (a *authenticator) login(body map[string]any, rt *setup) (map[string]any, error) {
	tl := a.served.Login
	if rt.opts.RequireAuth {
		for _, field := range tl.Fields {
			if textAt(body, field) == "" {
				return nil, &authError{msg: fmt.Sprintf("login field %q is empty", field)}
			}
		}
	}
	token, exp := a.issue(rt.now(), rt.tokenTTL())
	out := map[string]any{}
	setPath(out, tl.Token, token)
	if tl.ExpiresAt != "" {
		setPath(out, tl.ExpiresAt, exp.UTC().Format(time.RFC3339))
	}
	return out, nil
}

// oauthError is an RFC 6749 error answer.
type oauthError struct {
	status int
	code   string
	desc   string
}

// token answers a request to the OAuth2 token endpoint (client
// credentials, password and refresh token grants).
func (a *authenticator) token(r *http.Request, rt *setup) (map[string]any, *oauthError) {
	if r.Method != http.MethodPost {
		return nil, &oauthError{http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST"}
	}
	if err := r.ParseForm(); err != nil {
		return nil, &oauthError{http.StatusBadRequest, "invalid_request", "the body must be a form"}
	}
	if err := a.checkGrant(r, rt.opts.RequireAuth); err != nil {
		return nil, err
	}
	access, exp := a.issue(rt.now(), rt.tokenTTL())
	refresh := a.newID()
	a.mu.Lock()
	a.refreshs[refresh] = true
	a.mu.Unlock()
	return map[string]any{
		"access_token":  access,
		"token_type":    "Bearer",
		"expires_in":    int64(exp.Sub(rt.now()).Round(time.Second) / time.Second),
		"refresh_token": refresh,
	}, nil
}

// checkGrant validates the grant of a token request.
func (a *authenticator) checkGrant(r *http.Request, require bool) *oauthError {
	id, _, ok := r.BasicAuth()
	if !ok {
		id = r.PostForm.Get("client_id")
	}
	if require && id == "" {
		return &oauthError{http.StatusUnauthorized, "invalid_client", "client credentials are missing"}
	}
	switch g := r.PostForm.Get("grant_type"); g {
	case "client_credentials":
	case "password":
		if r.PostForm.Get("username") == "" {
			return &oauthError{http.StatusBadRequest, "invalid_request", "the password grant needs a username"}
		}
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		a.mu.Lock()
		known := a.refreshs[rt]
		delete(a.refreshs, rt)
		a.mu.Unlock()
		if !known {
			return &oauthError{http.StatusBadRequest, "invalid_grant", "unknown or used refresh token"}
		}
	default:
		return &oauthError{http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported", g)}
	}
	return nil
}

// serveToken writes the token endpoint's answer.
func (a *authenticator) serveToken(w http.ResponseWriter, r *http.Request, rt *setup) {
	body, oerr := a.token(r, rt)
	status := http.StatusOK
	if oerr != nil {
		status = oerr.status
		body = map[string]any{"error": oerr.code, "error_description": oerr.desc}
	}
	data, _ := json.Marshal(body) // strings and integers only
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	writeJSON(w, status, data)
}

func apiKey(r *http.Request, in, name string) string {
	switch in {
	case "query":
		return r.URL.Query().Get(name)
	case "cookie":
		if c, err := r.Cookie(name); err == nil {
			return c.Value
		}
		return ""
	}
	return r.Header.Get(name)
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
