package connectors

import (
	"context"
	"fmt"
	"net/http"

	"github.com/specsync/specsync/specs"
)

func apiKeyMethod() AuthMethod {
	return AuthMethod{
		Name:       "apiKey",
		Doc:        "Sends a static key in a header, query parameter or cookie.",
		Configured: func(a *specs.Auth) bool { return a.APIKey != nil },
		New:        newAPIKey,
	}
}

// apiKey sends a static key.
type apiKey struct {
	in, name, key string
}

var _ Authenticator = (*apiKey)(nil)

func newAPIKey(a *specs.Auth, env AuthEnv) (Authenticator, error) {
	c := a.APIKey
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
