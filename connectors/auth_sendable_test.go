package connectors_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/specs"
)

// sendServer is the auth suite's document on a server that notes the
// requests it receives and serves a token endpoint.
type sendServer struct {
	srv   *httptest.Server
	token string // the access token the token endpoint issues

	mu   sync.Mutex
	seen []*http.Request // requests to /items
}

func newSendServer(t *testing.T) *sendServer {
	s := &sendServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			writeJSON(w, http.StatusOK, map[string]any{"access_token": s.token, "token_type": "bearer"})
			return
		}
		s.mu.Lock()
		s.seen = append(s.seen, r)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, []any{})
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// client builds a client with auth a, whose credential "secret" holds
// secret.
func (s *sendServer) client(a *specs.Auth, secret string) (*connectors.Client, error) {
	spec, err := connectortest.WithSync([]byte(fmt.Sprintf(connectortest.AuthDoc, s.srv.URL)), &specs.Sync{
		System: "crm", Auth: a,
		Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id", List: &specs.Operation{Operation: "listItems"}}},
	})
	if err != nil {
		return nil, err
	}
	return connectors.New(spec, connectors.Config{
		Credentials: map[string]specs.Credential{"secret": {Env: "SEND_SECRET"}, "user": {Env: "SEND_USER"}},
		LookupEnv: func(k string) (string, bool) {
			return map[string]string{"SEND_SECRET": secret, "SEND_USER": "user-1"}[k], true
		},
	})
}

// requests returns the requests to /items so far.
func (s *sendServer) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen
}

// TestAuthRefusesASecretItCannotSend: a secret that net/http would refuse
// in a header, or cut in a cookie (a secret file of several lines), is
// refused when the client is built, with an error that names the
// credential and says what to do and not the secret. Where the secret
// travels encoded (a query parameter, basic credentials), it is sent as
// it is.
func TestAuthRefusesASecretItCannotSend(t *testing.T) {
	t.Parallel()
	secret := specs.Credential{Credential: "secret"}
	const twoLines = "line-one-5d4c\nline-two-3b2a"
	refused := []struct {
		name   string
		auth   *specs.Auth
		secret string
		want   string
	}{
		{"bearer", specs.NewAuth("bearer", &connectors.AuthBearer{Token: secret}), twoLines, "cannot be sent in an HTTP header: it holds a line break"},
		{"bearer with a NUL", specs.NewAuth("bearer", &connectors.AuthBearer{Token: secret}), "tok\x00en-5d4c", "the control character 0x00"},
		{"apiKey header", specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: "header", Name: "X-Api-Key", Key: secret}), twoLines, "cannot be sent in an HTTP header"},
		{"apiKey cookie", specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: "cookie", Name: "session", Key: secret}), twoLines, "cannot be sent in a cookie: it holds a line break"},
		{"apiKey cookie with a quote", specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: "cookie", Name: "session", Key: secret}), `key-"5d4c"`, "a character a cookie cannot carry"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSendServer(t)
			_, err := s.client(c.auth, c.secret)
			var ce *connectors.CredentialError
			if !errors.As(err, &ce) {
				t.Fatalf("New: got %v, want a *CredentialError", err)
			}
			for _, want := range []string{"crm", "credential:secret", c.want, "keep the secret on one line"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
			if d := connectors.Classify(err); d != connectors.GiveUp {
				t.Errorf("Classify = %v, want give-up", d)
			}
			connectortest.NoSecrets(t, "the error", err.Error(), "line-one-5d4c", "line-two-3b2a", "5d4c")
		})
	}

	sent := []struct {
		name string
		auth *specs.Auth
		got  func(r *http.Request) string
	}{
		{"apiKey query", specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: "query", Name: "key", Key: secret}),
			func(r *http.Request) string { return r.URL.Query().Get("key") }},
		{"basic", specs.NewAuth("basic", &connectors.AuthBasic{Username: specs.Credential{Credential: "user"}, Password: secret}),
			func(r *http.Request) string { _, p, _ := r.BasicAuth(); return p }},
	}
	for _, c := range sent {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSendServer(t)
			client, err := s.client(c.auth, twoLines)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := listItems(client); err != nil {
				t.Fatal(err)
			}
			if reqs := s.requests(); len(reqs) != 1 || c.got(reqs[0]) != twoLines {
				t.Errorf("the system did not receive the secret as it is (%d requests)", len(reqs))
			}
		})
	}
}

// TestAuthRefusesHeaderNamesNetHTTPRefuses: a header name or prefix that
// net/http would refuse on every request is refused when the client is
// built.
func TestAuthRefusesHeaderNamesNetHTTPRefuses(t *testing.T) {
	t.Parallel()
	secret := specs.Credential{Credential: "secret"}
	for _, c := range []struct {
		name string
		auth *specs.Auth
		want string
	}{
		{"apiKey header name", specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: "header", Name: "X Api Key", Key: secret}), `apiKey.name: the header name "X Api Key" holds ' '`},
		{"apiKey cookie name", specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: "cookie", Name: "my session", Key: secret}), `"my session" cannot be a cookie's name`},
		{"tokenLogin header", specs.NewAuth("tokenLogin", &connectors.AuthTokenLogin{Operation: "login", Token: "token", Header: "X:Token", Body: map[string]specs.Credential{"key": secret}}), `tokenLogin.header: the header name "X:Token" holds ':'`},
		{"tokenLogin prefix", specs.NewAuth("tokenLogin", &connectors.AuthTokenLogin{Operation: "login", Token: "token", Prefix: "Token\n", Body: map[string]specs.Credential{"key": secret}}), "tokenLogin.prefix holds a line break"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := newSendServer(t).client(c.auth, "secret-5d4c")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New: got %v, want an error saying %q", err, c.want)
			}
		})
	}
}

// TestAuthRefusesATokenItCannotSend: a token endpoint that issues a token
// net/http would refuse in a header (one that would smuggle a second
// header in) stops the request with an *AuthError naming the system,
// before anything is sent with it.
func TestAuthRefusesATokenItCannotSend(t *testing.T) {
	t.Parallel()
	s := newSendServer(t)
	s.token = "at-5d4c\r\nX-Injected: yes"
	a := specs.NewAuth("oauth2", &connectors.AuthOAuth2{Grant: "client_credentials", TokenURL: s.srv.URL + "/oauth/token",
		ClientID: specs.Credential{Credential: "user"}, ClientSecret: specs.Credential{Credential: "secret"}})
	client, err := s.client(a, "secret-5d4c")
	if err != nil {
		t.Fatal(err)
	}
	err = listItems(client)
	var ae *connectors.AuthError
	if !errors.As(err, &ae) || ae.System != "crm" || !strings.Contains(err.Error(), "the token the system issued cannot be sent in an HTTP header") {
		t.Fatalf("list: got %v, want an *AuthError of crm about the token", err)
	}
	if d := connectors.Classify(err); d != connectors.GiveUp {
		t.Errorf("Classify = %v, want give-up", d)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("the system saw %d requests; want none", n)
	}
	connectortest.NoSecrets(t, "the error", err.Error(), "at-5d4c", "secret-5d4c")
}

// listItems reads the suite's items.
func listItems(c *connectors.Client) error {
	for _, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err != nil {
			return err
		}
	}
	return nil
}
