package connectors_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
)

// oauth2Client serves the token endpoint and one protected operation, and
// returns a client using the grant.
func oauth2Client(t *testing.T, s *oauth2Server, grant string, refreshBefore time.Duration, clk clock.Clock) *connectors.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/items" {
			if !s.access.ok(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{})
			return
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a := &connectors.AuthOAuth2{Grant: grant, TokenURL: srv.URL + "/oauth/token", ClientID: specs.Credential{Env: "ID"}, ClientSecret: specs.Credential{Env: "SECRET"},
		Username: specs.Credential{Env: "USER"}, Password: specs.Credential{Env: "PASSWORD"}, RefreshBefore: specs.Duration(refreshBefore)}
	env := map[string]string{"ID": s.id, "SECRET": s.secret, "USER": s.user, "PASSWORD": s.password}
	sync := &specs.Sync{System: "t", Auth: specs.NewAuth("oauth2", a), Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}}}}
	c, err := connectors.New(serverSpec(t, srv.URL, sync), connectors.Config{Clock: clk, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newOAuth2Server(expiresIn int) *oauth2Server {
	return &oauth2Server{id: "cid", secret: "csecret", user: "owner", password: "owner-pw", expiresIn: expiresIn}
}

func TestOAuth2RenewsRefreshBeforeExpiry(t *testing.T) {
	t.Parallel()
	s := newOAuth2Server(120)
	clock := clock.NewManual(time.Now())
	c := oauth2Client(t, s, "client_credentials", 0, clock) // refreshBefore defaults to 1m
	var issued []int
	for _, step := range []time.Duration{0, 30 * time.Second, 31 * time.Second} {
		clock.Advance(step)
		if _, err := c.Get(context.Background(), "item", nil); err != nil {
			t.Fatal(err)
		}
		issued = append(issued, len(s.access.all()))
	}
	// At 0s a token valid 120s; at 30s it has 90s left; at 61s 59s, within
	// the minute before expiry: renewed.
	if diff := cmp.Diff([]int{1, 1, 2}, issued); diff != "" {
		t.Errorf("tokens issued after each request (-want +got):\n%s", diff)
	}
}

func TestOAuth2PasswordGrantRefreshesThenLogsInAgain(t *testing.T) {
	t.Parallel()
	s := newOAuth2Server(600)
	clock := clock.NewManual(time.Now())
	c := oauth2Client(t, s, "password", 5*time.Minute, clock)
	get := func() {
		t.Helper()
		if _, err := c.Get(context.Background(), "item", nil); err != nil {
			t.Fatal(err)
		}
	}
	get()
	clock.Advance(6 * time.Minute) // 4m left, within refreshBefore
	get()
	s.refresh.expire() // the refresh token is revoked
	clock.Advance(6 * time.Minute)
	get()
	if diff := cmp.Diff([]string{"password", "refresh_token", "password"}, s.granted()); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
}

// TestOAuth2TokenURLFollowsTheBaseURL: a token endpoint on the origin of
// the spec's server moves with Config.BaseURL, behind the prefix a proxy
// adds to the server's path, so a stand-in, a sandbox or a proxy serves
// the login too; one on another origin stays where the spec says.
func TestOAuth2TokenURLFollowsTheBaseURL(t *testing.T) {
	t.Parallel()
	s := newOAuth2Server(600)
	var paths []string
	var mu sync.Mutex
	standIn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/items") {
			writeJSON(w, http.StatusOK, map[string]any{})
			return
		}
		r.URL.Path = "/oauth/token" // the login, wherever it was sent; paths tells where
		s.ServeHTTP(w, r)
	}))
	defer standIn.Close()
	env := map[string]string{"ID": s.id, "SECRET": s.secret, "USER": s.user, "PASSWORD": s.password}
	newClient := func(basePath, tokenURL string) (*connectors.Client, error) {
		a := &connectors.AuthOAuth2{Grant: "password", TokenURL: tokenURL, ClientID: specs.Credential{Env: "ID"}, ClientSecret: specs.Credential{Env: "SECRET"},
			Username: specs.Credential{Env: "USER"}, Password: specs.Credential{Env: "PASSWORD"}}
		sync := &specs.Sync{System: "t", Auth: specs.NewAuth("oauth2", a), Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}}}}
		return connectors.New(serverSpec(t, "https://{subdomain}.example.test/api", sync), connectors.Config{
			BaseURL: standIn.URL + basePath, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			Transport: connectortest.LoopbackOnly(t),
		})
	}
	for _, c := range []struct {
		basePath string
		want     []string // paths of the login and the request
	}{
		{"/api", []string{"/oauth/token", "/api/items"}},
		{"/partner/api/", []string{"/partner/oauth/token", "/partner/api/items"}}, // behind a proxy
		{"/v2", []string{"/oauth/token", "/v2/items"}},                            // a path of its own: the origin moves
	} {
		paths = nil
		client, err := newClient(c.basePath, "https://{subdomain}.example.test/oauth/token")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Get(context.Background(), "item", nil); err != nil {
			t.Fatalf("base path %s: %v", c.basePath, err)
		}
		if diff := cmp.Diff(c.want, paths); diff != "" {
			t.Errorf("base path %s: requests at the stand-in (-want +got):\n%s", c.basePath, diff)
		}
	}

	// A token endpoint of its own origin is not a server of the spec: the
	// outbound guard refuses it before any request.
	if _, err := newClient("/api", "https://login.example.test/oauth/token"); !errors.Is(err, connectors.ErrOutboundRefused) {
		t.Errorf("New with a token URL on another origin: %v; want ErrOutboundRefused", err)
	}
}
