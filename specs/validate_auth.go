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

// checkAuth decodes and checks the auth method's config, and warns when
// the method matches none of the document's security schemes.
func (c *specCheck) checkAuth() {
	a := c.spec.Sync.Auth
	if a == nil {
		return
	}
	cfg, ok := c.decodePlugin(PluginAuth, a.Type, a.Config, "/x-sync/auth")
	if !ok {
		return
	}
	a.Settings = cfg
	c.checkPlugin(cfg, &PluginCheck{c: c, pointer: "/x-sync/auth"})
	m, isMatcher := cfg.(SchemeMatcher)
	schemes := c.securitySchemes()
	if !isMatcher || len(schemes) == 0 || slices.ContainsFunc(schemes, m.MatchesScheme) {
		return
	}
	c.r.warnHint(CodeUnknownSecurityScheme, "/x-sync/auth/type", "check that the auth method is the one the API documents in components.securitySchemes",
		"auth method %q matches none of the document's security schemes", a.Type)
}

// securitySchemes returns the document's security schemes, by name order.
func (c *specCheck) securitySchemes() []*openapi3.SecurityScheme {
	comp := c.spec.Doc.Components
	if comp == nil {
		return nil
	}
	var out []*openapi3.SecurityScheme
	for _, name := range slices.Sorted(maps.Keys(comp.SecuritySchemes)) {
		if ref := comp.SecuritySchemes[name]; ref != nil && ref.Value != nil {
			out = append(out, ref.Value)
		}
	}
	return out
}

// checkWebhooks checks that events name entities of this spec, that
// their key templates compile, and the signature.
func (c *specCheck) checkWebhooks() {
	w := c.spec.Sync.Webhooks
	if w == nil {
		return
	}
	if w.Signature != nil {
		c.checkSignature(w.Signature)
	}
	for _, path := range []struct{ key, value string }{{"event", w.Event}, {"id", w.ID}} {
		if path.value != "" && slices.Contains(strings.Split(path.value, "."), "") {
			c.r.errorHint(CodeInvalidPath, jsonptr.Join("/x-sync/webhooks", path.key), "write the names of the fields from the payload's top down, joined by dots, such as \"data.id\"",
				"path %q has an empty segment", path.value)
		}
	}
	names := slices.Collect(maps.Keys(c.spec.Sync.Entities))
	for _, event := range slices.Sorted(maps.Keys(w.Events)) {
		ev, p := w.Events[event], jsonptr.Join("/x-sync/webhooks/events", event)
		if _, ok := c.spec.Sync.Entities[ev.Entity]; ev.Entity != "" && !ok {
			c.r.errorHint(CodeUnknownEntity, jsonptr.Join(p, "entity"), didYouMean(ev.Entity, names, "entities of this spec"),
				"event %q names entity %q, which this spec does not have", event, ev.Entity)
		}
		c.tpl.check(ev.Key, jsonptr.Join(p, "key"))
	}
}
