package connectors_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/specs"
)

// authFixtures are the conformance fixtures of every built-in auth method,
// by method name; a method may have several (apiKey in each place).
var authFixtures = map[string][]struct {
	variant string
	factory connectortest.AuthFactory
}{
	"apiKey": {
		{"header", apiKeyFixture("header")},
		{"query", apiKeyFixture("query")},
		{"cookie", apiKeyFixture("cookie")},
	},
	"basic":  {{"", basicFixture}},
	"bearer": {{"", bearerFixture}},
	"oauth2": {
		{"client_credentials", oauth2Fixture("client_credentials")},
		{"password", oauth2Fixture("password")},
	},
	"tokenLogin": {{"", tokenLoginFixture}},
}

func TestAuthConformance(t *testing.T) {
	t.Parallel()
	for _, name := range connectors.DefaultAuth().Names() {
		fixtures, ok := authFixtures[name]
		if !ok {
			t.Errorf("auth method %q has no conformance fixture", name)
			continue
		}
		for _, f := range fixtures {
			connectortest.RunAuth(t, strings.TrimSuffix(name+"/"+f.variant, "/"), f.factory)
		}
	}
}

func ref(name string) specs.Credential { return specs.Credential{Credential: name} }

func apiKeyFixture(in string) connectortest.AuthFactory {
	return func(t *testing.T, _ string) connectortest.AuthFixture {
		key := "key-" + in + "-7f3a9c1e+/="
		return connectortest.AuthFixture{
			Auth:    *specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: in, Name: "X-Api-Key", Key: ref("apiKey")}),
			Secrets: map[string]string{"apiKey": key},
			Check: func(r *http.Request) bool {
				switch in {
				case "header":
					return r.Header.Get("X-Api-Key") == key
				case "query":
					return r.URL.Query().Get("X-Api-Key") == key
				}
				c, err := r.Cookie("X-Api-Key")
				return err == nil && c.Value == key
			},
		}
	}
}

func basicFixture(t *testing.T, _ string) connectortest.AuthFixture {
	user, pass := "user-9a8b7c", "pw-5e4d3c2b1a"
	return connectortest.AuthFixture{
		Auth:    *specs.NewAuth("basic", &connectors.AuthBasic{Username: ref("user"), Password: ref("password")}),
		Secrets: map[string]string{"user": user, "password": pass},
		Check: func(r *http.Request) bool {
			u, p, ok := r.BasicAuth()
			return ok && u == user && p == pass
		},
		Hidden: func() []string { return []string{user + ":" + pass} },
	}
}

func bearerFixture(t *testing.T, _ string) connectortest.AuthFixture {
	token := "static-token-1c2d3e4f"
	return connectortest.AuthFixture{
		Auth:    *specs.NewAuth("bearer", &connectors.AuthBearer{Token: ref("token")}),
		Secrets: map[string]string{"token": token},
		Check:   func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+token },
	}
}

// tokens issues random tokens and remembers which are still valid.
type tokens struct {
	mu     sync.Mutex
	valid  map[string]bool
	issued []string
}

func (k *tokens) issue(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	tok := prefix + hex.EncodeToString(b)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.valid == nil {
		k.valid = map[string]bool{}
	}
	k.valid[tok] = true
	k.issued = append(k.issued, tok)
	return tok
}

func (k *tokens) ok(tok string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.valid[tok]
}

func (k *tokens) expire() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.valid = nil
}

func (k *tokens) all() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.issued...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// oauth2Server is a token endpoint for both grants. Access tokens are
// counted in tokens; refresh tokens are kept apart.
type oauth2Server struct {
	id, secret, user, password string
	access                     tokens
	refresh                    tokens
	expiresIn                  int // seconds; zero means 3600

	mu     sync.Mutex
	grants []string // grant types of the tokens issued, in order
}

func (s *oauth2Server) granted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.grants...)
}

func (s *oauth2Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/oauth/token" || r.ParseForm() != nil {
		http.NotFound(w, r)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.id || secret != s.secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "client " + id + " with secret " + secret + " is unknown"})
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
	case "password":
		if r.PostForm.Get("username") != s.user || r.PostForm.Get("password") != s.password {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "bad password " + r.PostForm.Get("password")})
			return
		}
	case "refresh_token":
		if !s.refresh.ok(r.PostForm.Get("refresh_token")) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	expires := s.expiresIn
	if expires == 0 {
		expires = 3600
	}
	s.mu.Lock()
	s.grants = append(s.grants, r.PostForm.Get("grant_type"))
	s.mu.Unlock()
	body := map[string]any{"access_token": s.access.issue("at-"), "token_type": "bearer", "expires_in": expires}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		body["refresh_token"] = s.refresh.issue("rt-")
	}
	writeJSON(w, http.StatusOK, body)
}

func oauth2Fixture(grant string) connectortest.AuthFactory {
	return func(t *testing.T, baseURL string) connectortest.AuthFixture {
		s := &oauth2Server{id: "client-id-4b5c", secret: "client-secret-8d9e0f", user: "owner-2a3b", password: "owner-pw-6c7d8e"}
		a := &connectors.AuthOAuth2{Grant: grant, TokenURL: baseURL + "/oauth/token", ClientID: ref("clientId"), ClientSecret: ref("clientSecret")}
		secrets := map[string]string{"clientId": s.id, "clientSecret": s.secret}
		if grant == "password" {
			a.Username, a.Password = ref("username"), ref("password")
			secrets["username"], secrets["password"] = s.user, s.password
		}
		return connectortest.AuthFixture{
			Auth:    *specs.NewAuth("oauth2", a),
			Secrets: secrets,
			Check: func(r *http.Request) bool {
				return s.access.ok(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
			},
			Handler: s,
			Expire:  s.access.expire,
			Issued:  s.access.all,
			Hidden:  s.refresh.all,
		}
	}
}

func tokenLoginFixture(t *testing.T, _ string) connectortest.AuthFixture {
	const key, secret = "login-key-3f4e", "login-secret-9a0b1c"
	var toks tokens
	login := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		if r.Method != http.MethodPost || r.URL.Path != "/login" || json.NewDecoder(r.Body).Decode(&body) != nil {
			http.NotFound(w, r)
			return
		}
		if body["key"] != key || body["secret"] != secret {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": fmt.Sprintf("no user %s/%s", body["key"], body["secret"])})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{"token": toks.issue("lt-")}})
	})
	return connectortest.AuthFixture{
		Auth: *specs.NewAuth("tokenLogin", &connectors.AuthTokenLogin{
			Operation: "login",
			Body:      map[string]specs.Credential{"key": ref("key"), "secret": ref("secret")},
			Token:     "data.token",
			Header:    "token",
		}),
		Secrets: map[string]string{"key": key, "secret": secret},
		Check:   func(r *http.Request) bool { return toks.ok(r.Header.Get("token")) },
		Handler: login,
		Expire:  toks.expire,
		Issued:  toks.all,
	}
}
