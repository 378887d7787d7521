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
	_ specs.ParamSender   = (*AuthAPIKey)(nil)
)

// MatchesScheme reports whether the key is the apiKey scheme s.
func (c *AuthAPIKey) MatchesScheme(s *openapi3.SecurityScheme) bool {
	return s.Type == "apiKey" && s.In == c.In && strings.EqualFold(s.Name, c.Name)
}

// Summary describes the method for explain.
func (c *AuthAPIKey) Summary() string {
	return fmt.Sprintf("api key in %s %q (%s)", c.In, c.Name, c.Key)
}

// SentParam says which request parameter carries the key.
func (c *AuthAPIKey) SentParam() (in, name string) { return c.In, c.Name }

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
	if err := c.sendable(key); err != nil {
		return nil, err
	}
	return &apiKey{in: c.In, name: c.Name, key: key}, nil
}

// sendable checks that the key can be sent where it goes; net/http would
// refuse it in a header and drop bytes of it in a cookie. A query
// parameter is encoded, so every key fits.
func (c *AuthAPIKey) sendable(key string) error {
	switch c.In {
	case "header":
		if err := headerName(c.Name); err != nil {
			return fmt.Errorf("apiKey.name: %w", err)
		}
		if err := headerSecret(c.Key, "", key); err != nil {
			return fmt.Errorf("apiKey.key: %w", err)
		}
	case "cookie":
		if (&http.Cookie{Name: c.Name}).Valid() != nil {
			return fmt.Errorf("apiKey.name: %q cannot be a cookie's name; use letters, digits and !#$%%&'*+-.^_`|~", c.Name)
		}
		if (&http.Cookie{Name: c.Name, Value: key}).Valid() != nil {
			return fmt.Errorf("apiKey.key: %w", cookieSecret(c.Key, key))
		}
	}
	return nil
}

// cookieSecret describes a secret that a cookie cannot carry.
func cookieSecret(ref specs.Credential, secret string) error {
	bad := headerFault(secret)
	if bad == "" {
		bad = `a character a cookie cannot carry (", ; \ or one outside ASCII)`
	}
	return &CredentialError{Ref: ref.String(), Reason: "the value cannot be sent in a cookie: it holds " + bad +
		"; keep the secret on one line of printable ASCII (a file may end with one line break)"}
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
