package connectors_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// serverDoc declares one server and one operation.
const serverDoc = `{
  "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
  "servers": [{"url": "%s"%s}],
  "paths": {"/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "ok"}}}}}
}`

// serverVariables declares the variables the test URLs use.
func serverVariables(url string) string {
	vars := []string{}
	if strings.Contains(url, "{subdomain}") {
		vars = append(vars, `"subdomain": {"default": "demo"}`)
	}
	if strings.Contains(url, "{region}") {
		vars = append(vars, `"region": {"default": "eu", "enum": ["eu", "us"]}`)
	}
	if len(vars) == 0 {
		return ""
	}
	return `, "variables": {` + strings.Join(vars, ", ") + "}"
}

func serverSpec(t *testing.T, url string, sync *specs.Sync) *specs.Spec {
	t.Helper()
	if sync == nil {
		sync = &specs.Sync{System: "t", Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id", List: &specs.Operation{Operation: "listItems"}}}}
	}
	spec, err := connectortest.WithSync([]byte(fmt.Sprintf(serverDoc, url, serverVariables(url))), sync)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// recordingTransport answers every request with an empty array and
// remembers the URLs.
type recordingTransport struct{ urls []string }

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.urls = append(rt.urls, r.URL.String())
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

func TestServerVariables(t *testing.T) {
	t.Parallel()
	cases := []struct {
		vars    map[string]string
		want    string
		refused bool
	}{
		{nil, "https://demo.example.test/eu/items", false},
		{map[string]string{"subdomain": "acme"}, "https://acme.example.test/eu/items", false},
		{map[string]string{"region": "us"}, "https://demo.example.test/us/items", false},
		{map[string]string{"region": "ap"}, "", true},
		{map[string]string{"subdomain": "evil.com/"}, "", true},
		{map[string]string{"subdomain": "x@evil.com"}, "", true},
		{map[string]string{"subdomain": "evil.com:443#"}, "", true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.vars), func(t *testing.T) {
			rt := &recordingTransport{}
			c, err := connectors.New(serverSpec(t, "https://{subdomain}.example.test/{region}", nil), connectors.Config{ServerVariables: tc.vars, Transport: rt})
			if tc.refused {
				if !errors.Is(err, connectors.ErrOutboundRefused) {
					t.Fatalf("New: %v; want ErrOutboundRefused", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			for _, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
			}
			if len(rt.urls) != 1 || rt.urls[0] != tc.want {
				t.Errorf("requests %v; want %s", rt.urls, tc.want)
			}
		})
	}
}

func TestNextLinkToAnotherHostIsRefused(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the other host was called")
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{map[string]any{"id": "1"}}, "next": other.URL + "/items?page=2"})
	}))
	defer api.Close()
	sync := &specs.Sync{System: "t", Entities: map[string]*specs.Entity{"item": {
		Model: "item", Key: "id", List: &specs.Operation{Operation: "listItems", Records: "items"},
		Pagination: specs.NewPagination("nextLink", &connectors.NextLinkPaging{Path: "next"}, nil),
	}}}
	c, err := connectors.New(serverSpec(t, api.URL, sync), connectors.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for _, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		lastErr = err
	}
	var pe *connectors.PagingError
	if !errors.Is(lastErr, connectors.ErrOutboundRefused) || !errors.As(lastErr, &pe) {
		t.Fatalf("List: %v; want a *PagingError wrapping ErrOutboundRefused", lastErr)
	}
	if connectors.Classify(lastErr) != connectors.GiveUp {
		t.Errorf("Classify = %v; want give-up", connectors.Classify(lastErr))
	}
}

func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the other host was called")
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/items" {
			http.Redirect(w, r, "/moved", http.StatusFound)
			return
		}
		http.Redirect(w, r, other.URL+"/items", http.StatusFound)
	}))
	defer api.Close()
	c, err := connectors.New(serverSpec(t, api.URL, nil), connectors.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if !errors.Is(err, connectors.ErrOutboundRefused) {
			t.Errorf("List: %v; want ErrOutboundRefused", err)
		}
	}
}

func TestTokenURLOutsideTheServersIsRefused(t *testing.T) {
	t.Parallel()
	cfg := &connectors.AuthOAuth2{
		Grant: "client_credentials", TokenURL: "https://login.attacker.example/token",
		ClientID: specs.Credential{Env: "ID"}, ClientSecret: specs.Credential{Env: "SECRET"},
	}
	sync := &specs.Sync{System: "t", Auth: specs.NewAuth("oauth2", cfg), Entities: map[string]*specs.Entity{}}
	env := func(string) (string, bool) { return "x", true }
	_, err := connectors.New(serverSpec(t, "https://{subdomain}.example.test", sync), connectors.Config{LookupEnv: env})
	if !errors.Is(err, connectors.ErrOutboundRefused) {
		t.Fatalf("New: %v; want ErrOutboundRefused", err)
	}
	cfg.TokenURL = "https://{subdomain}.example.test/oauth/token"
	sync.Auth = specs.NewAuth("oauth2", cfg)
	if _, err := connectors.New(serverSpec(t, "https://{subdomain}.example.test", sync), connectors.Config{LookupEnv: env}); err != nil {
		t.Errorf("New with a token URL on the server: %v", err)
	}
}

func TestBaseURLMustBeHTTP(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"file:///etc/passwd", "ftp://x.example", "//no-scheme.example", "https://user:pw@x.example"} {
		_, err := connectors.New(serverSpec(t, "https://api.example.test", nil), connectors.Config{BaseURL: base})
		if !errors.Is(err, connectors.ErrOutboundRefused) {
			t.Errorf("BaseURL %q: %v; want ErrOutboundRefused", base, err)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("the error shows the URL's password: %v", err)
		}
	}
}

func TestQueryKeyIsScrubbedFromTransportErrors(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := api.URL
	api.Close() // connections are now refused
	const key = "qkey-55aa66bb"
	sync := &specs.Sync{System: "t", Auth: specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: "query", Name: "api_key", Key: specs.Credential{Env: "K"}}),
		Retry: &specs.Retry{MaxAttempts: 1}, Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}}}}
	logs := &connectortest.Logs{}
	c, err := connectors.New(serverSpec(t, url, sync), connectors.Config{LookupEnv: func(string) (string, bool) { return key, true }, Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(context.Background(), "item", transforms.Vars{})
	if err == nil {
		t.Fatal("Get against a closed server succeeded")
	}
	connectortest.NoSecrets(t, "the error", err.Error(), key)
	for e := err; e != nil; e = errors.Unwrap(e) {
		connectortest.NoSecrets(t, "a wrapped error", e.Error(), key)
	}
	connectortest.NoSecrets(t, "the logs", logs.String(), key)
}
