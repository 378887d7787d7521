package connectors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/specsync/specsync/specs"
)

func oauth2Method() AuthMethod {
	return authMethod("oauth2", "Obtains tokens with the OAuth2 client credentials or password grant, renews them before they expire and after a 401.", newOAuth2)
}

// AuthOAuth2 configures the oauth2 method: tokens from a token endpoint,
// refreshed.
type AuthOAuth2 struct {
	// Grant is "client_credentials" or "password".
	Grant string `json:"grant" enum:"client_credentials,password" doc:"OAuth2 grant type."`
	// TokenURL may contain server variables ("https://{subdomain}.everreal.co/accounts/oauth/token").
	TokenURL     string           `json:"tokenUrl" doc:"Token endpoint; server variables in braces are filled from the instance." example:"https://{subdomain}.everreal.co/accounts/oauth/token"`
	ClientID     specs.Credential `json:"clientId" doc:"Client id, by reference."`
	ClientSecret specs.Credential `json:"clientSecret" doc:"Client secret, by reference."`
	// Username and Password are required for the password grant.
	Username specs.Credential `json:"username,omitzero" doc:"Resource owner, for the password grant."`
	Password specs.Credential `json:"password,omitzero" doc:"Resource owner's password, for the password grant."`
	Scopes   []string         `json:"scopes,omitempty" doc:"Requested scopes."`
	// RefreshBefore renews a token this long before it expires. Zero means 1m.
	RefreshBefore specs.Duration `json:"refreshBefore,omitempty" default:"1m" doc:"Renew a token this long before it expires."`
}

var (
	_ specs.SchemeMatcher = (*AuthOAuth2)(nil)
	_ specs.Summarizer    = (*AuthOAuth2)(nil)
	_ AuthServer          = (*AuthOAuth2)(nil)
)

// MatchesScheme reports whether s is an OAuth2 or OpenID Connect scheme,
// or a scheme of the bearer token it sends in the Authorization header.
func (c *AuthOAuth2) MatchesScheme(s *openapi3.SecurityScheme) bool {
	return s.Type == "oauth2" || s.Type == "openIdConnect" || inAuthorization(s, "bearer")
}

// Summary describes the method for explain.
func (c *AuthOAuth2) Summary() string {
	return fmt.Sprintf("oauth2 %s grant at %s", c.Grant, c.TokenURL)
}

// Served says that a server expects bearer tokens from the token endpoint.
func (c *AuthOAuth2) Served() ServedAuth { return ServedAuth{In: "bearer", TokenURL: c.TokenURL} }

// defaultRefreshBefore is AuthOAuth2.RefreshBefore's default.
const defaultRefreshBefore = time.Minute

// oauth2Auth sends OAuth2 access tokens. Client credentials are fetched
// again when a token expires; the password grant uses its refresh token
// first and logs in again when the refresh is refused.
type oauth2Auth struct {
	env   AuthEnv
	cache tokenCache

	cc       *clientcredentials.Config // client_credentials grant
	pw       *oauth2.Config            // password grant
	user     string
	password string

	mu      sync.Mutex // guards refresh
	refresh string
}

var _ Authenticator = (*oauth2Auth)(nil)

func newOAuth2(c *AuthOAuth2, env AuthEnv) (Authenticator, error) {
	tokenURL, err := env.ServerURL(c.TokenURL)
	if err != nil {
		return nil, fmt.Errorf("oauth2.tokenUrl: %w", err)
	}
	o := &oauth2Auth{env: env}
	id, secret, err := o.client(c)
	if err != nil {
		return nil, err
	}
	switch c.Grant {
	case "client_credentials":
		o.cc = &clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL.String(), Scopes: c.Scopes}
	case "password":
		if err := o.owner(c); err != nil {
			return nil, err
		}
		o.pw = &oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: oauth2.Endpoint{TokenURL: tokenURL.String()}, Scopes: c.Scopes}
	default:
		return nil, fmt.Errorf("oauth2.grant is %q; use client_credentials or password", c.Grant)
	}
	early := c.RefreshBefore.Std()
	if early <= 0 {
		early = defaultRefreshBefore
	}
	o.cache = tokenCache{method: "oauth2", clock: env.Clock, early: early, fetch: o.fetch, conceal: env.Conceal}
	return o, nil
}

func (o *oauth2Auth) client(c *AuthOAuth2) (id, secret string, err error) {
	if id, err = o.env.Secret(c.ClientID); err != nil {
		return "", "", fmt.Errorf("oauth2.clientId: %w", err)
	}
	if secret, err = o.env.Secret(c.ClientSecret); err != nil {
		return "", "", fmt.Errorf("oauth2.clientSecret: %w", err)
	}
	return id, secret, nil
}

func (o *oauth2Auth) owner(c *AuthOAuth2) (err error) {
	if o.user, err = o.env.Secret(c.Username); err != nil {
		return fmt.Errorf("oauth2.username: %w", err)
	}
	if o.password, err = o.env.Secret(c.Password); err != nil {
		return fmt.Errorf("oauth2.password: %w", err)
	}
	return nil
}

func (o *oauth2Auth) Authorize(ctx context.Context, req *http.Request) error {
	tok, err := o.cache.get(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

func (o *oauth2Auth) Refused(req *http.Request) bool {
	o.cache.drop(strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "))
	return true
}

// fetch obtains a new access token; it runs under the cache's lock.
func (o *oauth2Auth) fetch(ctx context.Context) (string, time.Time, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.env.HTTPClient)
	var (
		tok *oauth2.Token
		err error
	)
	if o.cc != nil {
		tok, err = o.cc.Token(ctx)
	} else {
		tok, err = o.passwordToken(ctx)
	}
	if err != nil {
		return "", time.Time{}, o.authError(err)
	}
	if tok.AccessToken == "" {
		return "", time.Time{}, &AuthError{Method: "oauth2", Detail: "the token endpoint answered without an access_token"}
	}
	o.env.Conceal(tok.RefreshToken)
	return tok.AccessToken, o.expiry(tok), nil
}

// passwordToken refreshes with the refresh token when there is one, and
// falls back to the password grant when that fails.
func (o *oauth2Auth) passwordToken(ctx context.Context) (*oauth2.Token, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.refresh != "" {
		tok, err := o.pw.TokenSource(ctx, &oauth2.Token{RefreshToken: o.refresh}).Token()
		if err == nil {
			o.keepRefresh(tok)
			return tok, nil
		}
		o.env.Logger.DebugContext(ctx, "oauth2 refresh refused; logging in again", "error", o.authError(err))
	}
	tok, err := o.pw.PasswordCredentialsToken(ctx, o.user, o.password)
	if err != nil {
		return nil, err
	}
	o.keepRefresh(tok)
	return tok, nil
}

// keepRefresh keeps a new refresh token; a response without one keeps the
// old (RFC 6749 allows the server to reuse it).
func (o *oauth2Auth) keepRefresh(tok *oauth2.Token) {
	if tok.RefreshToken != "" {
		o.refresh = tok.RefreshToken
	}
}

// expiry measures expires_in on the client's clock; a token without it
// lasts until refused.
func (o *oauth2Auth) expiry(tok *oauth2.Token) time.Time {
	if tok.ExpiresIn > 0 {
		return o.env.Clock.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	return tok.Expiry
}

// authError turns an oauth2 error into an *AuthError. A RetrieveError is
// not wrapped: its text carries the raw response body.
func (o *oauth2Auth) authError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e := &AuthError{Method: "oauth2", Code: re.ErrorCode, Detail: "the token endpoint refused the request"}
		if re.Response != nil {
			e.Status = re.Response.StatusCode
		}
		if re.ErrorDescription != "" {
			e.Detail += ": " + o.env.Redact(re.ErrorDescription)
		}
		return e
	}
	return &AuthError{Method: "oauth2", Detail: "the token request failed", Err: err}
}
