package specs

import (
	"encoding/json"
	"fmt"
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
	// types holds schemas given for types instead of derived ones.
	types map[reflect.Type]map[string]any
}

// SchemaOptions say what GenerateSchema writes besides the schema of
// the Go type.
type SchemaOptions struct {
	// ID is the schema's $id. Required.
	ID string
	// Title and Description describe the schema for editors.
	Title, Description string
	// Types gives the schema of types the tags cannot describe (a map
	// keyed by an enum type); nil derives every type.
	Types map[reflect.Type]map[string]any
	// Required lists, per struct type, keys that are required although
	// their json tags say omitempty (the decoder leaves reporting them
	// to a validation with better hints).
	Required map[reflect.Type][]string
	// SchemaKey lets the root object have a "$schema" member, which the
	// loaders ignore; false refuses it like any unknown key.
	SchemaKey bool
}

// GenerateSchema returns the JSON Schema (draft 2020-12) of a document
// decoded into a root of type root (a struct) with DecodeDocument,
// generated from the Go types and their tags (doc, enum, default,
// example, minimum, choice) as the x-sync schema is.
func GenerateSchema(root reflect.Type, opts SchemaOptions) ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}, types: opts.Types}
	doc := g.document(root, opts.ID, opts.Title, opts.Description)
	if opts.SchemaKey {
		if err := allowSchemaKey(g.defs, root.Name()); err != nil {
			return nil, err
		}
	}
	for t, keys := range opts.Required {
		if err := requireKeys(g.defs, t.Name(), keys); err != nil {
			return nil, err
		}
	}
	return marshalSchema(doc)
}

// generateSchema renders the schema of root as indented JSON.
func generateSchema(root reflect.Type, plugins *Plugins, title, description string) ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}, plugins: plugins}
	return marshalSchema(g.document(root, "urn:specsync:schema:"+title, title, description))
}

// document is the schema document of root with its $defs.
func (g *schemaGen) document(root reflect.Type, id, title, description string) map[string]any {
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         id,
		"title":       title,
		"description": description,
	}
	for k, v := range g.typeSchema(root) {
		doc[k] = v
	}
	doc["$defs"] = g.defs
	return doc
}

// allowSchemaKey adds a "$schema" property to the definition name.
func allowSchemaKey(defs map[string]any, name string) error {
	def, ok := defs[name].(map[string]any)
	if !ok {
		return fmt.Errorf("schema: no definition %s to allow $schema in", name)
	}
	def["properties"].(map[string]any)[SchemaKey] = schemaKeyProperty()
	return nil
}

// requireKeys adds keys to the required ones of the definition name.
func requireKeys(defs map[string]any, name string, keys []string) error {
	def, ok := defs[name].(map[string]any)
	if !ok {
		return fmt.Errorf("schema: no definition %s to require keys in", name)
	}
	props := def["properties"].(map[string]any)
	required, _ := def["required"].([]string)
	for _, k := range keys {
		if _, ok := props[k]; !ok {
			return fmt.Errorf("schema: %s has no key %q to require", name, k)
		}
		required = append(required, k)
	}
	def["required"] = required
	return nil
}

// schemaKeyProperty is the schema of a root "$schema" member.
func schemaKeyProperty() map[string]any {
	return map[string]any{"type": "string", "description": "The JSON Schema an editor checks this file against; specsync ignores it."}
}

// marshalSchema writes a schema document as indented JSON with a final
// newline.
func marshalSchema(doc map[string]any) ([]byte, error) {
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// typeSchema returns the schema of a Go type, registering named types in
// $defs and referring to them.
func (g *schemaGen) typeSchema(t reflect.Type) map[string]any {
	if s, ok := g.types[t]; ok {
		return s
	}
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
		if t.Implements(enumType) {
			return map[string]any{"type": "string", "enum": reflect.Zero(t).Interface().(Enum).Values()}
		}
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
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
// example and bounds (a maximum without a minimum tag has the minimum 0).
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
	if f.maximum != "" {
		s["maximum"] = json.Number(f.maximum)
		if _, ok := s["minimum"]; !ok {
			s["minimum"] = 0
		}
	}
	if f.pattern != "" {
		s["pattern"] = f.pattern
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
	if t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64 {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return json.Number(v)
		}
	}
	return v
}
