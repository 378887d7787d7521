package specs

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// checkGraphQLEndpoint checks that the GraphQL endpoint operation exists.
func (c *specCheck) checkGraphQLEndpoint() {
	if g := c.spec.Sync.GraphQL; g != nil {
		c.resolveOperation(g.Operation, "/x-sync/graphql/operation")
	}
}

// checkAuth checks the login operation of tokenLogin and warns when the
// auth method matches none of the document's security schemes.
func (c *specCheck) checkAuth() {
	a := c.spec.Sync.Auth
	if a == nil {
		return
	}
	if a.TokenLogin != nil {
		c.resolveOperation(a.TokenLogin.Operation, "/x-sync/auth/tokenLogin/operation")
	}
	schemes := c.securitySchemes()
	method := authMethod(a)
	if len(schemes) == 0 || method == "" || slices.ContainsFunc(schemes, func(s *openapi3.SecurityScheme) bool { return matchesScheme(a, s) }) {
		return
	}
	c.r.warnHint(CodeUnknownSecurityScheme, "/x-sync/auth/"+method, "check that the auth method is the one the API documents in components.securitySchemes",
		"auth method %q matches none of the document's security schemes", method)
}

// securitySchemes returns the document's security schemes, by name order.
func (c *specCheck) securitySchemes() []*openapi3.SecurityScheme {
	comp := c.spec.Doc.Components
	if comp == nil {
		return nil
	}
	var out []*openapi3.SecurityScheme
	for _, name := range keysOf(comp.SecuritySchemes) {
		if ref := comp.SecuritySchemes[name]; ref != nil && ref.Value != nil {
			out = append(out, ref.Value)
		}
	}
	return out
}

// authMethod returns the JSON name of the method a sets, or "".
func authMethod(a *Auth) string {
	switch {
	case a.APIKey != nil:
		return "apiKey"
	case a.Basic != nil:
		return "basic"
	case a.Bearer != nil:
		return "bearer"
	case a.OAuth2 != nil:
		return "oauth2"
	case a.TokenLogin != nil:
		return "tokenLogin"
	}
	return ""
}

// matchesScheme reports whether the auth method could be security scheme s.
func matchesScheme(a *Auth, s *openapi3.SecurityScheme) bool {
	scheme := strings.ToLower(s.Scheme)
	switch {
	case a.APIKey != nil:
		return s.Type == "apiKey" && s.In == a.APIKey.In && strings.EqualFold(s.Name, a.APIKey.Name)
	case a.Basic != nil:
		return s.Type == "http" && scheme == "basic"
	case a.Bearer != nil:
		return s.Type == "http" && scheme == "bearer"
	case a.OAuth2 != nil:
		return s.Type == "oauth2" || s.Type == "openIdConnect"
	case a.TokenLogin != nil:
		return tokenLoginMatches(a.TokenLogin, s, scheme)
	}
	return false
}

// tokenLoginMatches reports whether a login token sent in its header could
// be security scheme s.
func tokenLoginMatches(t *AuthTokenLogin, s *openapi3.SecurityScheme, scheme string) bool {
	header := t.Header
	if header == "" {
		header = "Authorization"
	}
	if strings.EqualFold(header, "Authorization") && s.Type == "http" {
		return scheme != "basic"
	}
	return s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, header)
}

// checkWebhooks checks that events name entities of this spec and that
// their key templates compile.
func (c *specCheck) checkWebhooks() {
	w := c.spec.Sync.Webhooks
	if w == nil {
		return
	}
	names := slices.Collect(maps.Keys(c.spec.Sync.Entities))
	for _, event := range keysOf(w.Events) {
		ev, p := w.Events[event], jsonptr.Join("/x-sync/webhooks/events", event)
		if _, ok := c.spec.Sync.Entities[ev.Entity]; ev.Entity != "" && !ok {
			c.r.errorHint(CodeUnknownEntity, jsonptr.Join(p, "entity"), didYouMean(ev.Entity, names, "entities of this spec"),
				"event %q names entity %q, which this spec does not have", event, ev.Entity)
		}
		c.tpl.check(ev.Key, jsonptr.Join(p, "key"))
	}
}
