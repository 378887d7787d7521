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
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t != "null" {
				return t
			}
		}
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			if t := schemaType(part.Value); t != "" {
				return t
			}
		}
	}
	return ""
}

func schemaFormat(s *openapi3.Schema) string {
	if s.Format != "" {
		return s.Format
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			if f := schemaFormat(part.Value); f != "" {
				return f
			}
		}
	}
	return ""
}

func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	if s.Items != nil && s.Items.Value != nil {
		return s.Items.Value
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			if items := itemsOf(part.Value); items != nil {
				return items
			}
		}
	}
	return nil
}

// propertyOf returns the schema of property name of object schema s,
// found in s or its allOf parts; nil when unknown. oneOf and anyOf are not
// used for typing: validation decides those.
func propertyOf(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if p := s.Properties[name]; p != nil && p.Value != nil {
		return p.Value
	}
	for _, part := range s.AllOf {
		if p := propertyOf(part.Value, name); p != nil {
			return p
		}
	}
	return nil
}

// requires reports whether object schema s, or one of its allOf parts,
// lists name as required.
func requires(s *openapi3.Schema, name string) bool {
	if s == nil {
		return false
	}
	if slices.Contains(s.Required, name) {
		return true
	}
	for _, part := range s.AllOf {
		if requires(part.Value, name) {
			return true
		}
	}
	return false
}
