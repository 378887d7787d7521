package connectors

// ServedAuth says what a server expects of a client that uses an auth
// method. The mock server emulates the methods whose config is an
// AuthServer.
type ServedAuth struct {
	// In is where a request carries its credential: "header", "query" or
	// "cookie" for a key or token under Name, "basic" or "bearer" for the
	// Authorization header's scheme.
	In string
	// Name is the header, parameter or cookie, for In header, query and
	// cookie.
	Name string
	// Prefix goes before a token in its header.
	Prefix string
	// Login, when set, is the operation that issues tokens; only the tokens
	// it issued are accepted.
	Login *ServedLogin
	// TokenURL, when set, is an OAuth2 token endpoint that issues bearer
	// tokens; only the tokens it issued are accepted.
	TokenURL string
}

// ServedLogin is a login operation that trades credentials for a token.
type ServedLogin struct {
	// Operation is its operationId.
	Operation string
	// Fields are the body fields a login must fill.
	Fields []string
	// Token and ExpiresAt are the dotted paths of the token and its expiry
	// time (RFC 3339; empty for none) in the answer.
	Token, ExpiresAt string
}

// AuthServer is an auth method's config that says what a server expects.
type AuthServer interface {
	Served() ServedAuth
}
