package connectors

import (
	"context"
	"fmt"
	"net/http"

	"github.com/specsync/specsync/specs"
)

func basicMethod() AuthMethod {
	return AuthMethod{
		Name:       "basic",
		Doc:        "Sends HTTP basic credentials.",
		Configured: func(a *specs.Auth) bool { return a.Basic != nil },
		New:        newBasic,
	}
}

// basic sends HTTP basic credentials.
type basic struct {
	user, password string
}

var _ Authenticator = (*basic)(nil)

func newBasic(a *specs.Auth, env AuthEnv) (Authenticator, error) {
	user, err := env.Secret(a.Basic.Username)
	if err != nil {
		return nil, fmt.Errorf("basic.username: %w", err)
	}
	password, err := env.Secret(a.Basic.Password)
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
