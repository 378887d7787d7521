package connectors

import (
	"context"
	"fmt"
	"net/http"

	"github.com/specsync/specsync/specs"
)

func bearerMethod() AuthMethod {
	return AuthMethod{
		Name:       "bearer",
		Doc:        "Sends a static bearer token.",
		Configured: func(a *specs.Auth) bool { return a.Bearer != nil },
		New:        newBearer,
	}
}

// bearer sends a static bearer token.
type bearer struct {
	header string
}

var _ Authenticator = (*bearer)(nil)

func newBearer(a *specs.Auth, env AuthEnv) (Authenticator, error) {
	token, err := env.Secret(a.Bearer.Token)
	if err != nil {
		return nil, fmt.Errorf("bearer.token: %w", err)
	}
	return &bearer{header: "Bearer " + token}, nil
}

func (b *bearer) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", b.header)
	return nil
}

func (b *bearer) Refused(*http.Request) bool { return false }
