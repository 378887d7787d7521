package connectors

import (
	"context"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/specs"
)

func basicMethod() AuthMethod {
	return authMethod("basic", "Sends HTTP basic credentials.", newBasic)
}

// AuthBasic configures the basic method.
type AuthBasic struct {
	Username specs.Credential `json:"username" doc:"User name, by reference."`
	Password specs.Credential `json:"password" doc:"Password, by reference."`
}

var (
	_ specs.SchemeMatcher = (*AuthBasic)(nil)
	_ specs.Summarizer    = (*AuthBasic)(nil)
	_ AuthServer          = (*AuthBasic)(nil)
)

// MatchesScheme reports whether s is HTTP basic, or an apiKey scheme in
// the Authorization header (which the credentials are sent in).
func (c *AuthBasic) MatchesScheme(s *openapi3.SecurityScheme) bool {
	return inAuthorization(s, "basic")
}

// Summary describes the method for explain.
func (c *AuthBasic) Summary() string { return "http basic" }

// Served says that a server expects basic credentials.
func (c *AuthBasic) Served() ServedAuth { return ServedAuth{In: "basic"} }

// basic sends HTTP basic credentials.
type basic struct {
	user, password string
}

var _ Authenticator = (*basic)(nil)

func newBasic(c *AuthBasic, env AuthEnv) (Authenticator, error) {
	user, err := env.Secret(c.Username)
	if err != nil {
		return nil, fmt.Errorf("basic.username: %w", err)
	}
	password, err := env.Secret(c.Password)
	if err != nil {
		return nil, fmt.Errorf("basic.password: %w", err)
	}
	env.Conceal(user + ":" + password)
	return &basic{user: user, password: password}, nil
}

func (b *basic) Authorize(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(b.user, b.password)
	return nil
}

func (b *basic) Refused(*http.Request) bool { return false }
