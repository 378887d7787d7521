package connectors

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/specs"
)

func apiKeyMethod() AuthMethod {
	return authMethod("apiKey", "Sends a static key in a header, query parameter or cookie.", newAPIKey)
}

// AuthAPIKey configures the apiKey method.
type AuthAPIKey struct {
	In   string           `json:"in" enum:"header,query,cookie" doc:"Where the key goes."`
	Name string           `json:"name" doc:"Header, parameter or cookie name." example:"X-API-Key"`
	Key  specs.Credential `json:"key" doc:"The key, by reference."`
}

var (
	_ specs.SchemeMatcher = (*AuthAPIKey)(nil)
	_ specs.Summarizer    = (*AuthAPIKey)(nil)
	_ AuthServer          = (*AuthAPIKey)(nil)
)

// MatchesScheme reports whether the key is the apiKey scheme s.
func (c *AuthAPIKey) MatchesScheme(s *openapi3.SecurityScheme) bool {
	return s.Type == "apiKey" && s.In == c.In && strings.EqualFold(s.Name, c.Name)
}

// Summary describes the method for explain.
func (c *AuthAPIKey) Summary() string {
	return fmt.Sprintf("api key in %s %q (%s)", c.In, c.Name, c.Key)
}

// Served says where a server expects the key.
func (c *AuthAPIKey) Served() ServedAuth { return ServedAuth{In: c.In, Name: c.Name} }

// apiKey sends a static key.
type apiKey struct {
	in, name, key string
}

var _ Authenticator = (*apiKey)(nil)

func newAPIKey(c *AuthAPIKey, env AuthEnv) (Authenticator, error) {
	switch c.In {
	case "header", "query", "cookie":
	default:
		return nil, fmt.Errorf("apiKey.in is %q; use header, query or cookie", c.In)
	}
	if c.Name == "" {
		return nil, fmt.Errorf("apiKey.name is empty; name the header, parameter or cookie")
	}
	key, err := env.Secret(c.Key)
	if err != nil {
		return nil, fmt.Errorf("apiKey.key: %w", err)
	}
	return &apiKey{in: c.In, name: c.Name, key: key}, nil
}

func (k *apiKey) Authorize(_ context.Context, req *http.Request) error {
	switch k.in {
	case "header":
		req.Header.Set(k.name, k.key)
	case "query":
		q := req.URL.Query()
		q.Set(k.name, k.key)
		req.URL.RawQuery = q.Encode()
	case "cookie":
		req.AddCookie(&http.Cookie{Name: k.name, Value: k.key})
	}
	return nil
}

func (k *apiKey) Refused(*http.Request) bool { return false }
