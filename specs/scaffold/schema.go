package scaffold

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds how deep the generator looks into nested schemas, so
// that recursive schemas end.
const maxDepth = 4

// value returns the schema a reference holds, or nil.
func value(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

// properties returns the properties of s, with those of its allOf parts
// and of its first oneOf or anyOf branch that is an object.
func properties(s *openapi3.Schema, depth int) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	if s == nil || depth > maxDepth {
		return out
	}
	for _, part := range s.AllOf {
		maps.Copy(out, properties(value(part), depth+1))
	}
	if len(s.Properties) == 0 {
		if branch := objectBranch(s); branch != nil {
			maps.Copy(out, properties(branch, depth+1))
		}
	}
	for name, p := range s.Properties {
		if v := value(p); v != nil {
			out[name] = v
		}
	}
	return out
}

// required returns the required properties of s and its allOf parts.
func required(s *openapi3.Schema, depth int) []string {
	if s == nil || depth > maxDepth {
		return nil
	}
	out := slices.Clone(s.Required)
	for _, part := range s.AllOf {
		out = append(out, required(value(part), depth+1)...)
	}
	if len(s.Properties) == 0 {
		out = append(out, required(objectBranch(s), depth+1)...)
	}
	return out
}

// objectBranch returns the first oneOf or anyOf branch of s that has
// properties, or nil.
func objectBranch(s *openapi3.Schema) *openapi3.Schema {
	for _, b := range append(slices.Clone(s.OneOf), s.AnyOf...) {
		if v := value(b); v != nil && len(properties(v, maxDepth)) > 0 {
			return v
		}
	}
	return nil
}

// isArray reports whether s is an array and returns its items.
func isArray(s *openapi3.Schema) (*openapi3.Schema, bool) {
	if s == nil || !s.Type.Includes("array") && !(s.Type.IsEmpty() && s.Items != nil) {
		return nil, false
	}
	return value(s.Items), true
}

// isObject reports whether s describes objects with known properties.
func isObject(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	if s.Type != nil && !s.Type.IsEmpty() && !s.Type.Includes("object") {
		return false
	}
	return len(properties(s, 0)) > 0
}

// isScalar reports whether s describes a string, number, integer or
// boolean.
func isScalar(s *openapi3.Schema) bool {
	if s == nil || s.Type == nil {
		return false
	}
	for _, t := range []string{"string", "number", "integer", "boolean"} {
		if s.Type.Includes(t) {
			return true
		}
	}
	return false
}

// jsonContent returns the schema of the JSON media type of content (the
// first media type whose name contains "json", else the first one).
func jsonContent(content openapi3.Content) *openapi3.Schema {
	names := slices.Sorted(maps.Keys(content))
	for _, name := range names {
		if strings.Contains(name, "json") && content[name] != nil {
			return value(content[name].Schema)
		}
	}
	for _, name := range names {
		if content[name] != nil {
			return value(content[name].Schema)
		}
	}
	return nil
}

// successResponse returns the first 2xx response of op (200 first).
func successResponse(op *openapi3.Operation) *openapi3.Response {
	if op == nil || op.Responses == nil {
		return nil
	}
	codes := slices.Sorted(maps.Keys(op.Responses.Map()))
	for _, code := range codes {
		if strings.HasPrefix(code, "2") {
			if r := op.Responses.Value(code); r != nil && r.Value != nil {
				return r.Value
			}
		}
	}
	return nil
}

// responseSchema returns the JSON schema of op's first 2xx response.
func responseSchema(op *openapi3.Operation) *openapi3.Schema {
	if r := successResponse(op); r != nil {
		return jsonContent(r.Content)
	}
	return nil
}

// requestSchema returns the JSON schema of op's request body.
func requestSchema(op *openapi3.Operation) *openapi3.Schema {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	return jsonContent(op.RequestBody.Value.Content)
}
