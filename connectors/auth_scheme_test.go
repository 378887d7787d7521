package connectors_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// An auth method fits a declared security scheme when it sends what the
// scheme documents: a bearer token in an Authorization header declared as
// an apiKey scheme is sent where the document says. Header names compare
// case-insensitively.
func TestAuthMatchesDeclaredScheme(t *testing.T) {
	t.Parallel()
	bearerHTTP := &openapi3.SecurityScheme{Type: "http", Scheme: "Bearer"}
	basicHTTP := &openapi3.SecurityScheme{Type: "http", Scheme: "basic"}
	authHeader := &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "authorization"}
	keyHeader := &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "X-API-KEY"}
	authQuery := &openapi3.SecurityScheme{Type: "apiKey", In: "query", Name: "Authorization"}
	oauth := &openapi3.SecurityScheme{Type: "oauth2"}
	tests := []struct {
		name    string
		method  specs.SchemeMatcher
		matches []*openapi3.SecurityScheme
		not     []*openapi3.SecurityScheme
	}{
		{"bearer", &connectors.AuthBearer{}, []*openapi3.SecurityScheme{bearerHTTP, authHeader}, []*openapi3.SecurityScheme{basicHTTP, keyHeader, authQuery, oauth}},
		{"basic", &connectors.AuthBasic{}, []*openapi3.SecurityScheme{basicHTTP, authHeader}, []*openapi3.SecurityScheme{bearerHTTP, keyHeader, authQuery, oauth}},
		{"oauth2", &connectors.AuthOAuth2{}, []*openapi3.SecurityScheme{oauth, bearerHTTP, authHeader}, []*openapi3.SecurityScheme{basicHTTP, keyHeader, authQuery}},
		{"apiKey", &connectors.AuthAPIKey{In: "header", Name: "x-api-key"}, []*openapi3.SecurityScheme{keyHeader}, []*openapi3.SecurityScheme{authHeader, bearerHTTP, authQuery}},
	}
	for _, tt := range tests {
		for _, s := range tt.matches {
			if !tt.method.MatchesScheme(s) {
				t.Errorf("%s does not fit %s %s %s %s", tt.name, s.Type, s.Scheme, s.In, s.Name)
			}
		}
		for _, s := range tt.not {
			if tt.method.MatchesScheme(s) {
				t.Errorf("%s fits %s %s %s %s", tt.name, s.Type, s.Scheme, s.In, s.Name)
			}
		}
	}
}
