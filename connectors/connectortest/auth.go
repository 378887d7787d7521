package connectortest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
)

// AuthFixture describes one auth method on the wire, for RunAuth.
type AuthFixture struct {
	// Auth is the auth section under test. Its credentials must be named
	// references ({"credential": "clientSecret"}); the suite supplies them
	// through the instance's credentials.
	Auth specs.Auth
	// Secrets are the valid secrets, by credential name. Make them
	// distinctive: the suite looks for them in errors and logs.
	Secrets map[string]string
	// Check reports whether r carries valid credentials: the secrets for
	// static methods, a token issued and not expired for the others.
	Check func(r *http.Request) bool
	// Handler serves the method's own endpoints on the suite's server (a
	// token endpoint, POST /login); nil when it has none. The suite's
	// document declares POST /login with operationId "login".
	Handler http.Handler
	// Expire makes every token issued so far invalid. Nil for methods with
	// static credentials; the token cases are skipped then.
	Expire func()
	// Issued returns the access tokens issued so far. Nil for static
	// methods.
	Issued func() []string
	// Hidden returns further strings that must not appear in errors and
	// logs (refresh tokens, encoded credentials). Nil means none.
	Hidden func() []string
	// Registry holds the method; nil means connectors.DefaultAuth().
	Registry *connectors.AuthRegistry
}

// AuthFactory returns the fixture of a method for a suite server at
// baseURL. It is called once per case.
type AuthFactory func(t *testing.T, baseURL string) AuthFixture

// AuthDoc is the auth suite's document, a format with the server URL:
// an item operation (listItems, GET /items) and a login operation (login,
// POST /login) for methods that log in.
const AuthDoc = `{
  "openapi": "3.0.3",
  "info": {"title": "auth conformance", "version": "1"},
  "servers": [{"url": %q}],
  "paths": {
    "/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "items"}}}},
    "/login": {"post": {"operationId": "login",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
      "responses": {"200": {"description": "a token"}}}}
  }
}`

// RunAuth runs the auth conformance cases against the method name.
func RunAuth(t *testing.T, name string, factory AuthFactory) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, s *authSuite)
	}{
		{"accepts valid credentials", authValid},
		{"refuses wrong credentials", authWrong},
		{"reports a missing credential", authMissing},
		{"renews an expired token", authExpired},
		{"renews at most once per request", authRenewOnce},
		{"shares one token between concurrent requests", authShared},
		{"redacts secrets the server echoes", authEcho},
	}
	for _, c := range cases {
		t.Run(name+"/"+c.name, func(t *testing.T) {
			c.run(t, newAuthSuite(t, factory))
		})
	}
}

// authSuite is one case's server, fixture and captured logs.
type authSuite struct {
	srv       *httptest.Server
	fx        AuthFixture
	logs      *Logs
	refuseAll atomic.Bool
	echo      atomic.Bool
	hits      atomic.Int64
}

func newAuthSuite(t *testing.T, factory AuthFactory) *authSuite {
	s := &authSuite{logs: &Logs{}}
	var ready sync.WaitGroup
	ready.Add(1)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ready.Wait()
		s.serve(w, r)
	}))
	t.Cleanup(s.srv.Close)
	s.fx = factory(t, s.srv.URL)
	ready.Done()
	return s
}

func (s *authSuite) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/items" {
		if s.fx.Handler == nil {
			http.NotFound(w, r)
			return
		}
		s.fx.Handler.ServeHTTP(w, r)
		return
	}
	s.hits.Add(1)
	switch {
	case s.echo.Load():
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "bad request: header %v, query %s", r.Header, r.URL.RawQuery)
	case s.refuseAll.Load() || !s.fx.Check(r):
		w.Header().Set("WWW-Authenticate", "Bearer")
		http.Error(w, `{"error": "unauthorized"}`, http.StatusUnauthorized)
	default:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `[{"id": "1"}]`)
	}
}

// client builds a client with the given secrets by credential name.
func (s *authSuite) client(secrets map[string]string) (*connectors.Client, error) {
	creds := map[string]specs.Credential{}
	env := map[string]string{}
	for name, v := range secrets {
		key := "SUITE_SECRET_" + strings.ToUpper(name)
		creds[name] = specs.Credential{Env: key}
		env[key] = v
	}
	auth := s.fx.Auth
	spec, err := WithSync([]byte(fmt.Sprintf(AuthDoc, s.srv.URL)), &specs.Sync{
		System: "suite",
		Auth:   &auth,
		Entities: map[string]*specs.Entity{
			"item": {Model: "item", Key: "id", List: &specs.Operation{Operation: "listItems"}},
		},
	})
	if err != nil {
		return nil, err
	}
	return connectors.New(spec, connectors.Config{
		Credentials: creds,
		LookupEnv:   func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Clock:       clock.NewManual(time.Now()),
		Logger:      s.logs.Logger(),
		Auth:        s.fx.Registry,
	})
}

// list reads the one item.
func list(c *connectors.Client) error {
	for _, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err != nil {
			return err
		}
	}
	return nil
}

// secrets returns every secret the case knows: the valid ones, the given
// extra ones and the tokens issued.
func (s *authSuite) secrets(extra map[string]string) []string {
	var out []string
	for _, v := range s.fx.Secrets {
		out = append(out, v)
	}
	for _, v := range extra {
		out = append(out, v)
	}
	if s.fx.Issued != nil {
		out = append(out, s.fx.Issued()...)
	}
	if s.fx.Hidden != nil {
		out = append(out, s.fx.Hidden()...)
	}
	return out
}

func (s *authSuite) noLeaks(t *testing.T, err error, extra map[string]string) {
	t.Helper()
	secrets := s.secrets(extra)
	if err != nil {
		NoSecrets(t, "the error", err.Error(), secrets...)
	}
	NoSecrets(t, "the logs", s.logs.String(), secrets...)
}

func authValid(t *testing.T, s *authSuite) {
	c, err := s.client(s.fx.Secrets)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := list(c); err != nil {
		t.Fatalf("list with valid credentials: %v", err)
	}
	if s.hits.Load() != 1 {
		t.Errorf("the API saw %d requests, want 1", s.hits.Load())
	}
	s.noLeaks(t, nil, nil)
}

func authWrong(t *testing.T, s *authSuite) {
	wrong := map[string]string{}
	for name, v := range s.fx.Secrets {
		wrong[name] = "wrong-" + v
	}
	c, err := s.client(wrong)
	if err == nil {
		err = list(c)
	}
	if err == nil {
		t.Fatal("wrong credentials were accepted")
	}
	if d := connectors.Classify(err); d != connectors.GiveUp {
		t.Errorf("Classify(%v) = %v, want give-up", err, d)
	}
	s.namesCredentials(t, err)
	s.noLeaks(t, err, wrong)
}

// namesCredentials checks that a refusal is an *AuthError that names the
// system and every credential the method uses, so that an operator knows
// what to fix.
func (s *authSuite) namesCredentials(t *testing.T, err error) {
	t.Helper()
	var ae *connectors.AuthError
	if !errors.As(err, &ae) {
		t.Errorf("the refusal is not a *AuthError: %v", err)
		return
	}
	if ae.System != "suite" || !strings.HasPrefix(err.Error(), "suite: ") {
		t.Errorf("the refusal does not name the system %q: %v", "suite", err)
	}
	for name := range s.fx.Secrets {
		if !strings.Contains(err.Error(), "credential:"+name) {
			t.Errorf("the refusal does not name the credential %q: %v", name, err)
		}
	}
}

func authMissing(t *testing.T, s *authSuite) {
	partial := map[string]string{}
	missing := ""
	for name, v := range s.fx.Secrets {
		if missing == "" || name < missing {
			missing = name
		}
		partial[name] = v
	}
	if missing == "" {
		t.Skip("the method uses no credentials")
	}
	delete(partial, missing)
	_, err := s.client(partial)
	var ce *connectors.CredentialError
	if !errors.As(err, &ce) {
		t.Fatalf("New without credential %q: got %v, want a *CredentialError", missing, err)
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("the error does not name the credential %q: %v", missing, err)
	}
	if d := connectors.Classify(err); d != connectors.GiveUp {
		t.Errorf("Classify = %v, want give-up", d)
	}
	s.noLeaks(t, err, nil)
}

func authExpired(t *testing.T, s *authSuite) {
	if s.fx.Expire == nil {
		t.Skip("static credentials do not expire")
	}
	c, err := s.client(s.fx.Secrets)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := list(c); err != nil {
		t.Fatalf("first list: %v", err)
	}
	s.fx.Expire()
	if err := list(c); err != nil {
		t.Fatalf("list after the token expired: %v", err)
	}
	if n := len(s.fx.Issued()); n != 2 {
		t.Errorf("%d tokens issued, want 2 (the first, and one after the 401)", n)
	}
	s.noLeaks(t, nil, nil)
}

func authRenewOnce(t *testing.T, s *authSuite) {
	c, err := s.client(s.fx.Secrets)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.refuseAll.Store(true)
	err = list(c)
	var he *connectors.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
		t.Fatalf("list against an API refusing everything: got %v, want a 401 *HTTPError", err)
	}
	want := int64(1)
	if s.fx.Expire != nil {
		want = 2
	}
	if got := s.hits.Load(); got != want {
		t.Errorf("the API saw %d requests, want %d", got, want)
	}
	if d := connectors.Classify(err); d != connectors.GiveUp {
		t.Errorf("Classify = %v, want give-up", d)
	}
	s.namesCredentials(t, err)
	s.noLeaks(t, err, nil)
}

func authShared(t *testing.T, s *authSuite) {
	if s.fx.Issued == nil {
		t.Skip("static credentials need no token")
	}
	c, err := s.client(s.fx.Secrets)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- list(c)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent list: %v", err)
		}
	}
	if n := len(s.fx.Issued()); n != 1 {
		t.Errorf("%d tokens issued for 8 concurrent requests, want 1", n)
	}
}

func authEcho(t *testing.T, s *authSuite) {
	c, err := s.client(s.fx.Secrets)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.echo.Store(true)
	err = list(c)
	var he *connectors.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusBadRequest {
		t.Fatalf("got %v, want a 400 *HTTPError", err)
	}
	if !strings.Contains(he.Body, "bad request") {
		t.Errorf("the error body lost the server's message: %q", he.Body)
	}
	NoSecrets(t, "the error body", he.Body, s.secrets(nil)...)
	NoSecrets(t, "the error URL", he.URL, s.secrets(nil)...)
	s.noLeaks(t, err, nil)
}
