package connectors

import (
	"context"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/specs"
)

func bearerMethod() AuthMethod {
	return authMethod("bearer", "Sends a static bearer token.", newBearer)
}

// AuthBearer configures the bearer method.
type AuthBearer struct {
	Token specs.Credential `json:"token" doc:"The token, by reference."`
}

var (
	_ specs.SchemeMatcher = (*AuthBearer)(nil)
	_ specs.Summarizer    = (*AuthBearer)(nil)
	_ AuthServer          = (*AuthBearer)(nil)
)

// MatchesScheme reports whether s is HTTP bearer, or an apiKey scheme
// in the Authorization header (which the token is sent in).
func (c *AuthBearer) MatchesScheme(s *openapi3.SecurityScheme) bool {
	return inAuthorization(s, "bearer")
}

// Summary describes the method for explain.
func (c *AuthBearer) Summary() string { return "bearer token (" + c.Token.String() + ")" }

// Served says that a server expects a bearer token.
func (c *AuthBearer) Served() ServedAuth { return ServedAuth{In: "bearer"} }

// bearer sends a static bearer token.
type bearer struct {
	header string
}

var _ Authenticator = (*bearer)(nil)

func newBearer(c *AuthBearer, env AuthEnv) (Authenticator, error) {
	token, err := env.Secret(c.Token)
	if err != nil {
		return nil, fmt.Errorf("bearer.token: %w", err)
	}
	if err := headerSecret(c.Token, "Bearer ", token); err != nil {
		return nil, fmt.Errorf("bearer.token: %w", err)
	}
	return &bearer{header: "Bearer " + token}, nil
}

func (b *bearer) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", b.header)
	return nil
}

func (b *bearer) Refused(*http.Request) bool { return false }
