package connectors_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// bearerSpec is a spec authenticating with a bearer token from ref.
func bearerSpec(t *testing.T, url string, ref specs.Credential) *specs.Spec {
	return serverSpec(t, url, &specs.Sync{System: "t", Auth: specs.NewAuth("bearer", &connectors.AuthBearer{Token: ref}),
		Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}}}})
}

func TestCredentialFromFile(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		writeJSON(w, 200, map[string]any{})
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("file-token-77\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := connectors.Config{Credentials: map[string]specs.Credential{"api": {File: file}}}
	c, err := connectors.New(bearerSpec(t, srv.URL, specs.Credential{Credential: "api"}), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "item", nil); err != nil {
		t.Fatal(err)
	}
	if got != "Bearer file-token-77" {
		t.Errorf("Authorization %q; want the file's token without its newline", got)
	}
}

func TestCredentialErrors(t *testing.T) {
	t.Parallel()
	none := func(string) (string, bool) { return "", false }
	cases := []struct {
		name  string
		ref   specs.Credential
		named map[string]specs.Credential
		want  string
	}{
		{"unset env", specs.Credential{Env: "NOPE"}, nil, "env:NOPE"},
		{"missing file", specs.Credential{File: "/nonexistent/secret"}, nil, "cannot be read"},
		{"unknown name", specs.Credential{Credential: "api"}, nil, "credential:api"},
		{"name to name", specs.Credential{Credential: "api"}, map[string]specs.Credential{"api": {Credential: "other"}}, "env or file"},
		{"nothing set", specs.Credential{}, nil, "no reference"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := connectors.New(bearerSpec(t, "https://api.example.test", tc.ref), connectors.Config{Credentials: tc.named, LookupEnv: none})
			var ce *connectors.CredentialError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: %v; want a *CredentialError mentioning %q", err, tc.want)
			}
		})
	}
}

func TestAuthSelection(t *testing.T) {
	t.Parallel()
	misspelt := &specs.Auth{Type: "bearr", Config: json.RawMessage(`{"token": {"env": "A"}}`)}
	spec := serverSpec(t, "https://api.example.test", &specs.Sync{System: "t", Auth: misspelt, Entities: map[string]*specs.Entity{}})
	if _, err := connectors.New(spec, connectors.Config{}); err == nil || !strings.Contains(err.Error(), `did you mean "bearer"?`) {
		t.Errorf("unknown type: %v; want an error suggesting bearer", err)
	}
	spec.Sync.Auth = &specs.Auth{}
	if _, err := connectors.New(spec, connectors.Config{}); err == nil || !strings.Contains(err.Error(), "no auth method type is set") {
		t.Errorf("no method: %v", err)
	}
	spec.Sync.Auth = &specs.Auth{Type: "bearer", Config: json.RawMessage(`{"tokn": {"env": "A"}}`)}
	if _, err := connectors.New(spec, connectors.Config{}); err == nil || !strings.Contains(err.Error(), `unknown key "tokn"`) {
		t.Errorf("bad config: %v; want the decoding finding", err)
	}
}

func TestRegistriesRefuseDuplicatesAndTakeNewMethods(t *testing.T) {
	t.Parallel()
	r := connectors.DefaultAuth()
	if err := r.Register(connectors.AuthMethod{Name: "bearer", Config: func() any { return new(struct{}) }, New: nil}); err == nil {
		t.Error("an incomplete method was registered")
	}
	m, _ := r.Lookup("bearer")
	if err := r.Register(m); err == nil {
		t.Error("a second bearer was registered")
	}
	p := connectors.DefaultPaginators()
	custom := connectors.PaginatorMethod{
		Name:   "single",
		Config: func() any { return new(struct{}) },
		New: func(any) (connectors.Paginator, error) {
			return nil, errors.New("single paging is refused")
		},
	}
	if err := p.Register(custom); err != nil {
		t.Fatal(err)
	}
	sync := &specs.Sync{System: "t", Entities: map[string]*specs.Entity{"item": {Model: "item", Key: "id",
		List: &specs.Operation{Operation: "listItems"}, Pagination: &specs.Pagination{Type: "single", MaxPages: 1}}}}
	_, err := connectors.New(serverSpec(t, "https://api.example.test", sync), connectors.Config{Paginators: p})
	if err == nil || !strings.Contains(err.Error(), "entities.item: pagination.single: single paging is refused") {
		t.Errorf("New with the custom style: %v; want its error, located", err)
	}
}
