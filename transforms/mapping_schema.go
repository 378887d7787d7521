package transforms

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// field is what the target schema says about one mapped field.
type field struct {
	// typ is the JSON Schema type ("string", "integer", "number",
	// "boolean", "array", "object"), or "" when the schema does not say.
	typ    string
	format string
	// items describes the elements of an array field.
	items *field
}

// fieldOf reads the type of s, looking into allOf parts when s itself does
// not say. A nil schema gives the empty field (keep values as they are).
func fieldOf(s *openapi3.Schema) field {
	if s == nil {
		return field{}
	}
	f := field{typ: schemaType(s), format: schemaFormat(s)}
	if f.typ == "array" {
		items := fieldOf(itemsOf(s))
		f.items = &items
	}
	return f
}

func schemaType(s *openapi3.Schema) string {
	return fromAllOf(s, func(s *openapi3.Schema) string {
		if s.Type != nil {
			for _, t := range s.Type.Slice() {
				if t != "null" {
					return t
				}
			}
		}
		return ""
	})
}

func schemaFormat(s *openapi3.Schema) string {
	return fromAllOf(s, func(s *openapi3.Schema) string { return s.Format })
}

func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	return fromAllOf(s, func(s *openapi3.Schema) *openapi3.Schema {
		if s.Items != nil {
			return s.Items.Value
		}
		return nil
	})
}

// propertyOf returns the schema of property name of object schema s,
// found in s or its allOf parts; nil when unknown. oneOf and anyOf are not
// used for typing: validation decides those.
func propertyOf(s *openapi3.Schema, name string) *openapi3.Schema {
	return fromAllOf(s, func(s *openapi3.Schema) *openapi3.Schema {
		if p := s.Properties[name]; p != nil {
			return p.Value
		}
		return nil
	})
}

// requires reports whether object schema s, or one of its allOf parts,
// lists name as required.
func requires(s *openapi3.Schema, name string) bool {
	return fromAllOf(s, func(s *openapi3.Schema) bool { return slices.Contains(s.Required, name) })
}

// fromAllOf returns what own says of s or, when that is the zero value, of
// the first of its allOf parts (searched depth first) where it is not. A
// nil schema gives the zero value.
func fromAllOf[T comparable](s *openapi3.Schema, own func(*openapi3.Schema) T) T {
	var zero T
	if s == nil {
		return zero
	}
	if v := own(s); v != zero {
		return v
	}
	for _, part := range s.AllOf {
		if v := fromAllOf(part.Value, own); v != zero {
			return v
		}
	}
	return zero
}
