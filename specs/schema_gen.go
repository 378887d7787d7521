package specs

import (
	"encoding/json"
	"reflect"
	"strconv"
)

// durationPattern matches the duration strings Duration accepts.
const durationPattern = `^\+?(0|([0-9]*\.?[0-9]*(ns|us|µs|μs|ms|s|m|h))+)$`

// Schema returns the JSON Schema (draft 2020-12) of the x-sync extension,
// generated from the Go types and their struct tags, with auth and
// pagination as one variant per plug-in of plugins. It is the reference
// for editors; x-sync.schema.json holds the bytes of the built-in
// plug-ins (connectors.DefaultPlugins).
func Schema(plugins *Plugins) ([]byte, error) {
	return generateSchema(reflect.TypeFor[Sync](), plugins, "x-sync",
		"The x-sync extension of a specsync connector spec: entities, operations, pagination, mappings.")
}

// ModelSchema returns the JSON Schema (draft 2020-12) of the x-model
// extension of a model document.
func ModelSchema() ([]byte, error) {
	return generateSchema(reflect.TypeFor[ModelSync](), nil, "x-model",
		"The x-model extension of a specsync model document: canonical entities, keys and references.")
}

// schemaGen accumulates the $defs of one schema.
type schemaGen struct {
	defs    map[string]any
	plugins *Plugins
}

// generateSchema renders the schema of root as indented JSON.
func generateSchema(root reflect.Type, plugins *Plugins, title, description string) ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}, plugins: plugins}
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "urn:specsync:schema:" + title,
		"title":       title,
		"description": description,
	}
	for k, v := range g.typeSchema(root) {
		doc[k] = v
	}
	doc["$defs"] = g.defs
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// typeSchema returns the schema of a Go type, registering named types in
// $defs and referring to them.
func (g *schemaGen) typeSchema(t reflect.Type) map[string]any {
	switch {
	case t == durationType:
		return g.define("Duration", func() map[string]any {
			return map[string]any{"type": "string", "pattern": durationPattern,
				"description": `A Go duration with a unit: "300ms", "30s", "1m", "1h30m".`}
		})
	case t == mappingType:
		return g.mappingSchema()
	case pluginHolders[t] != "":
		return g.define(t.Name(), func() map[string]any { return g.pluginSchema(t, pluginHolders[t]) })
	}
	return g.kindSchema(t)
}

// kindSchema returns the schema of a type by its kind.
func (g *schemaGen) kindSchema(t reflect.Type) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return g.typeSchema(t.Elem())
	case reflect.Struct:
		return g.define(t.Name(), func() map[string]any { return g.structSchema(t) })
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.typeSchema(t.Elem())}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.typeSchema(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	}
	return map[string]any{"type": "integer", "minimum": 0}
}

// define registers a named definition once and returns a reference to it.
func (g *schemaGen) define(name string, build func() map[string]any) map[string]any {
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = nil // placeholder: recursive types refer to it
		g.defs[name] = build()
	}
	return map[string]any{"$ref": "#/$defs/" + name}
}

// mappingSchema defines a mapping: an object of templates, constants,
// nested objects and arrays.
func (g *schemaGen) mappingSchema() map[string]any {
	g.define("MappingValue", func() map[string]any {
		self := map[string]any{"$ref": "#/$defs/MappingValue"}
		return map[string]any{
			"description":          "A pongo2 template (string), a constant, or a nested object or array of these.",
			"type":                 []string{"string", "number", "integer", "boolean", "null", "object", "array"},
			"additionalProperties": self,
			"items":                self,
		}
	})
	return g.define("Mapping", func() map[string]any {
		return map[string]any{"type": "object", "additionalProperties": map[string]any{"$ref": "#/$defs/MappingValue"},
			"description": "Field mapping: target field -> template, constant or nested mapping."}
	})
}

// structSchema builds the object schema of a struct type.
func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	fields := structFields(t)
	props := map[string]any{}
	required := []string{}
	for _, f := range fields {
		props[f.name] = g.fieldSchema(f)
		if f.required {
			required = append(required, f.name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	addChoices(s, choiceGroups(fields))
	return s
}

// addChoices requires exactly one member of each choice group.
func addChoices(s map[string]any, groups map[string][]string) {
	var all []any
	for _, names := range sortedGroups(groups) {
		var one []any
		for _, n := range names {
			one = append(one, map[string]any{"required": []string{n}})
		}
		all = append(all, map[string]any{"oneOf": one})
	}
	switch len(all) {
	case 0:
	case 1:
		s["oneOf"] = all[0].(map[string]any)["oneOf"]
	default:
		s["allOf"] = all
	}
}

// fieldSchema is the schema of a field's type with its doc, enum, default,
// example and minimum.
func (g *schemaGen) fieldSchema(f fieldInfo) map[string]any {
	s := map[string]any{}
	for k, v := range g.typeSchema(f.typ) {
		s[k] = v
	}
	if f.doc != "" {
		s["description"] = f.doc
	}
	if len(f.enum) > 0 {
		s["enum"] = f.enum
	}
	if f.def != "" {
		s["default"] = typedTag(f, f.def)
	}
	if f.example != "" {
		s["examples"] = []any{typedTag(f, f.example)}
	}
	if f.minimum != 0 {
		s["minimum"] = f.minimum
	}
	return s
}

// typedTag converts a tag value to the JSON type of the field.
func typedTag(f fieldInfo, v string) any {
	t := f.typ
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isIntType(t) {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	if t.Kind() == reflect.Bool {
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}
