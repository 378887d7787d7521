package scaffold

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// authChoice is the auth method chosen from the document's security
// schemes, with notes on what was found.
type authChoice struct {
	auth  *specs.Auth
	found string
	todo  string
}

// detectAuth maps the security schemes the document requires (its
// top-level security, else those of the used operations, else every
// declared one) to an auth method, credentials named for the instance to
// supply.
func detectAuth(doc *openapi3.T, used []*openapi3.Operation) authChoice {
	if doc.Components == nil || len(doc.Components.SecuritySchemes) == 0 {
		return authChoice{found: "no security schemes declared: no auth"}
	}
	var unfit []string
	for _, name := range schemeNames(doc, used) {
		ref := doc.Components.SecuritySchemes[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		if a := authOf(ref.Value); a != nil {
			return authChoice{auth: a, found: "auth " + a.Type + " from the security scheme " + name}
		}
		unfit = append(unfit, name+" ("+ref.Value.Type+")")
	}
	return authChoice{todo: "auth: no security scheme maps to an auth method (" + strings.Join(unfit, ", ") +
		"); add an auth of type apiKey, basic, bearer, oauth2 or tokenLogin"}
}

// schemeNames lists the scheme names to try, in order.
func schemeNames(doc *openapi3.T, used []*openapi3.Operation) []string {
	var names []string
	add := func(reqs openapi3.SecurityRequirements) {
		for _, req := range reqs {
			for _, name := range slices.Sorted(maps.Keys(req)) {
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
		}
	}
	add(doc.Security)
	for _, o := range used {
		if o.Security != nil {
			add(*o.Security)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.SecuritySchemes)) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// authOf maps one security scheme to an auth method, or nil.
func authOf(s *openapi3.SecurityScheme) *specs.Auth {
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		return specs.NewAuth("bearer", &connectors.AuthBearer{Token: credential("token")})
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		return specs.NewAuth("basic", &connectors.AuthBasic{Username: credential("username"), Password: credential("password")})
	case s.Type == "apiKey" && s.Name != "":
		return specs.NewAuth("apiKey", &connectors.AuthAPIKey{In: s.In, Name: s.Name, Key: credential("api_key")})
	case s.Type == "oauth2" && s.Flows != nil:
		return oauth2Of(s.Flows)
	}
	return nil
}

// oauth2Of maps an OAuth2 scheme's client credentials (or password) flow.
func oauth2Of(flows *openapi3.OAuthFlows) *specs.Auth {
	cfg := &connectors.AuthOAuth2{ClientID: credential("client_id"), ClientSecret: credential("client_secret")}
	switch {
	case flows.ClientCredentials != nil && flows.ClientCredentials.TokenURL != "":
		cfg.Grant, cfg.TokenURL = "client_credentials", flows.ClientCredentials.TokenURL
	case flows.Password != nil && flows.Password.TokenURL != "":
		cfg.Grant, cfg.TokenURL = "password", flows.Password.TokenURL
		cfg.Username, cfg.Password = credential("username"), credential("password")
	default:
		return nil
	}
	return specs.NewAuth("oauth2", cfg)
}

// credential is a reference to a credential the instance supplies.
func credential(name string) specs.Credential { return specs.Credential{Credential: name} }
