package samples

import (
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaOptions say how a shape becomes a schema.
type schemaOptions struct {
	// minRequired is how many objects must have been seen at a place
	// before a member present in all of them is required; 1 makes every
	// member of a single sample required.
	minRequired int
	// components are the component schemas a shape's ref names.
	components openapi3.Schemas
}

// schema returns the OpenAPI 3.0 schema of a shape: its JSON types (one
// of several, nullable when a null was seen), string formats, integers
// apart from numbers, array items and object members.
func (s *shape) schema(o schemaOptions) *openapi3.SchemaRef {
	if s.ref != "" {
		ref := openapi3.NewSchemaRef("#/components/schemas/"+s.ref, o.components[s.ref].Value)
		if s.nulls == 0 {
			return ref
		}
		return openapi3.NewSchemaRef("", &openapi3.Schema{Nullable: true, AllOf: openapi3.SchemaRefs{ref}})
	}
	variants := s.variants(o)
	var out *openapi3.Schema
	switch len(variants) {
	case 0:
		out = &openapi3.Schema{}
		if s.nulls > 0 {
			out.Description = "only null was seen: the type is unknown"
		}
	case 1:
		out = variants[0]
	default:
		out = &openapi3.Schema{}
		for _, v := range variants {
			out.OneOf = append(out.OneOf, openapi3.NewSchemaRef("", v))
		}
	}
	out.Nullable = s.nulls > 0
	return openapi3.NewSchemaRef("", out)
}

// variants returns one schema per JSON type seen, nulls aside.
func (s *shape) variants(o schemaOptions) []*openapi3.Schema {
	var out []*openapi3.Schema
	if s.bools > 0 {
		out = append(out, openapi3.NewBoolSchema())
	}
	switch {
	case s.floats > 0:
		out = append(out, openapi3.NewFloat64Schema())
	case s.ints > 0:
		in := openapi3.NewIntegerSchema()
		if s.wide {
			in.Format = "int64"
		}
		out = append(out, in)
	}
	if s.strings > 0 {
		str := openapi3.NewStringSchema()
		str.Format = s.format
		out = append(out, str)
	}
	if s.arrays > 0 {
		arr := openapi3.NewArraySchema()
		arr.Items = (&shape{}).schema(o)
		if s.items != nil {
			arr.Items = s.items.schema(o)
		}
		out = append(out, arr)
	}
	if s.objects > 0 {
		out = append(out, s.objectSchema(o))
	}
	return out
}

// objectSchema returns the schema of the objects seen: their members, or,
// when every key was a value (ids), a map of the merged members.
func (s *shape) objectSchema(o schemaOptions) *openapi3.Schema {
	obj := openapi3.NewObjectSchema()
	if s.isMap() {
		values := &shape{}
		for _, m := range s.members {
			values.merge(m)
		}
		obj.AdditionalProperties = openapi3.AdditionalProperties{Schema: values.schema(o)}
		return obj
	}
	for _, k := range slices.Sorted(maps.Keys(s.members)) {
		m := s.members[k]
		obj.Properties[k] = m.schema(o)
		if m.seen == s.objects && s.objects >= o.minRequired {
			obj.Required = append(obj.Required, k)
		}
	}
	return obj
}

// isMap reports whether the objects seen are maps keyed by ids: two or
// more keys, all of them values such as numbers or UUIDs.
func (s *shape) isMap() bool {
	if len(s.members) < 2 {
		return false
	}
	for k := range s.members {
		if !isID(k) {
			return false
		}
	}
	return true
}
