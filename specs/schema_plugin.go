package specs

import (
	"fmt"
	"reflect"
)

// pluginSchema is the schema of holder type t: exactly one variant per
// plug-in of kind, each the plug-in's config object with type fixed to its
// name and the holder's shared keys beside it.
func (g *schemaGen) pluginSchema(t reflect.Type, kind PluginKind) map[string]any {
	var variants []any
	for _, name := range g.plugins.Names(kind) {
		p, _ := g.plugins.Lookup(kind, name)
		variants = append(variants, g.define(p.configType().Name(), func() map[string]any { return g.variantSchema(t, p) }))
	}
	shared := map[string]any{}
	for _, f := range structFields(t) {
		shared[f.name] = g.fieldSchema(f)
	}
	s := map[string]any{"type": "object", "required": []string{"type"}, "properties": shared,
		"description": fmt.Sprintf("One %s, chosen by type; the other keys configure it.", kind.noun())}
	if len(variants) > 0 {
		s["oneOf"] = variants
	}
	return s
}

// variantSchema is the schema of one plug-in's object: its config's keys,
// type fixed to its name, and the shared keys of holder type t.
func (g *schemaGen) variantSchema(t reflect.Type, p Plugin) map[string]any {
	s := g.structSchema(p.configType())
	props := s["properties"].(map[string]any)
	required, _ := s["required"].([]string)
	for _, f := range structFields(t) {
		props[f.name] = g.fieldSchema(f)
	}
	props["type"] = map[string]any{"const": p.Name, "description": p.Doc}
	s["required"] = append([]string{"type"}, required...)
	return s
}
