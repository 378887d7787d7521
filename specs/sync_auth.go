package specs

// Auth selects exactly one authentication method by setting one field.
// Connectors look the method up by that field's JSON name in their registry.
type Auth struct {
	APIKey     *AuthAPIKey     `json:"apiKey,omitempty" choice:"method" doc:"A static key in a header, query parameter or cookie."`
	Basic      *AuthBasic      `json:"basic,omitempty" choice:"method" doc:"HTTP basic authentication."`
	Bearer     *AuthBearer     `json:"bearer,omitempty" choice:"method" doc:"A static bearer token."`
	OAuth2     *AuthOAuth2     `json:"oauth2,omitempty" choice:"method" doc:"OAuth2 client credentials or password grant, with refresh."`
	TokenLogin *AuthTokenLogin `json:"tokenLogin,omitempty" choice:"method" doc:"A login operation that trades a key and secret for a token sent in a header."`
}

// AuthAPIKey sends a static key.
type AuthAPIKey struct {
	In   string     `json:"in" enum:"header,query,cookie" doc:"Where the key goes."`
	Name string     `json:"name" doc:"Header, parameter or cookie name." example:"X-API-Key"`
	Key  Credential `json:"key" doc:"The key, by reference."`
}

// AuthBasic sends HTTP basic credentials.
type AuthBasic struct {
	Username Credential `json:"username" doc:"User name, by reference."`
	Password Credential `json:"password" doc:"Password, by reference."`
}

// AuthBearer sends a static bearer token.
type AuthBearer struct {
	Token Credential `json:"token" doc:"The token, by reference."`
}

// AuthOAuth2 obtains tokens from a token endpoint and refreshes them.
type AuthOAuth2 struct {
	// Grant is "client_credentials" or "password".
	Grant string `json:"grant" enum:"client_credentials,password" doc:"OAuth2 grant type."`
	// TokenURL may contain server variables ("https://{subdomain}.everreal.co/accounts/oauth/token").
	TokenURL     string     `json:"tokenUrl" doc:"Token endpoint; server variables in braces are filled from the instance." example:"https://{subdomain}.everreal.co/accounts/oauth/token"`
	ClientID     Credential `json:"clientId" doc:"Client id, by reference."`
	ClientSecret Credential `json:"clientSecret" doc:"Client secret, by reference."`
	// Username and Password are required for the password grant.
	Username Credential `json:"username,omitempty" doc:"Resource owner, for the password grant."`
	Password Credential `json:"password,omitempty" doc:"Resource owner's password, for the password grant."`
	Scopes   []string   `json:"scopes,omitempty" doc:"Requested scopes."`
	// RefreshBefore renews a token this long before it expires. Zero means 1m.
	RefreshBefore Duration `json:"refreshBefore,omitempty" default:"1m" doc:"Renew a token this long before it expires."`
}

// AuthTokenLogin calls a login operation with credentials and sends the
// token it returns in a header (casavi: POST /authenticate {key, secret},
// header `token`).
type AuthTokenLogin struct {
	// Operation is the operationId of the login call.
	Operation string `json:"operation" doc:"operationId of the login operation." example:"authenticate"`
	// Body maps request body fields to credentials.
	Body map[string]Credential `json:"body" doc:"Login body fields, each a credential reference."`
	// Token is the path of the token in the login response.
	Token string `json:"token" doc:"Dotted path of the token in the login response." example:"token"`
	// ExpiresAt is the path of the expiry time (RFC 3339) in the response;
	// empty means the token lasts until a 401.
	ExpiresAt string `json:"expiresAt,omitempty" doc:"Dotted path of the token's expiry time in the response."`
	// Header receives the token. Zero means "Authorization".
	Header string `json:"header,omitempty" default:"Authorization" doc:"Header that carries the token." example:"token"`
	// Prefix goes before the token in the header ("Bearer ").
	Prefix string `json:"prefix,omitempty" doc:"Text before the token in the header." example:"Bearer "`
}

// Credential is a reference to a secret: an environment variable, a file,
// or a named credential the instance supplies. Exactly one is set. A literal
// secret in a spec is refused (code literal-secret).
type Credential struct {
	Env        string `json:"env,omitempty" choice:"source" doc:"Environment variable holding the secret." example:"EVERREAL_CLIENT_SECRET"`
	File       string `json:"file,omitempty" choice:"source" doc:"File holding the secret (trailing newline dropped)."`
	Credential string `json:"credential,omitempty" choice:"source" doc:"Name of a credential the instance supplies." example:"client_secret"`
}

// IsZero reports whether no reference is set.
func (c Credential) IsZero() bool { return c.Env == "" && c.File == "" && c.Credential == "" }

// String describes the reference without revealing any secret.
func (c Credential) String() string {
	switch {
	case c.Env != "":
		return "env:" + c.Env
	case c.File != "":
		return "file:" + c.File
	case c.Credential != "":
		return "credential:" + c.Credential
	}
	return "none"
}
