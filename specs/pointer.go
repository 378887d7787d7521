package specs

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// parentPointer returns the pointer one level up; the root is its own parent.
func parentPointer(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ""
	}
	return p[:i]
}

// schemaAt resolves a local JSON pointer to a schema of doc:
// "#/components/schemas/Lease", or the schema of an operation's request
// body or response ("#/paths/~1leases/post/requestBody/content/
// application~1json/schema"), and deeper into either through the schema
// keywords properties, items, additionalProperties, allOf, anyOf, oneOf,
// prefixItems, $defs and not ("#/components/schemas/Lease/properties/rent",
// ".../schema/oneOf/1"). It returns nil when the pointer is not local or
// does not resolve.
func schemaAt(doc *openapi3.T, pointer string) *openapi3.Schema {
	if doc == nil || !strings.HasPrefix(pointer, "#/") {
		return nil
	}
	tokens := jsonptr.Split(pointer)
	switch {
	case len(tokens) >= 3 && tokens[0] == "components" && tokens[1] == "schemas" && doc.Components != nil:
		return descendSchema(refValue(doc.Components.Schemas[tokens[2]]), tokens[3:])
	case len(tokens) >= 3 && tokens[0] == "paths" && doc.Paths != nil:
		s, rest := mediaSchema(operationAt(doc, tokens[1], tokens[2]), tokens[3:])
		return descendSchema(s, rest)
	}
	return nil
}

// operationAt returns the operation of doc at path and method, or nil.
func operationAt(doc *openapi3.T, path, method string) *openapi3.Operation {
	item := doc.Paths.Value(path)
	if item == nil {
		return nil
	}
	return item.GetOperation(strings.ToUpper(method))
}

// mediaSchema follows "requestBody/content/{type}/schema" or
// "responses/{status}/content/{type}/schema" from op and returns the
// schema with the tokens after it.
func mediaSchema(op *openapi3.Operation, tokens []string) (*openapi3.Schema, []string) {
	var content openapi3.Content
	switch {
	case op == nil || len(tokens) < 4:
		return nil, nil
	case tokens[0] == "requestBody" && op.RequestBody != nil && op.RequestBody.Value != nil:
		content, tokens = op.RequestBody.Value.Content, tokens[1:]
	case tokens[0] == "responses" && op.Responses != nil:
		r := op.Responses.Value(tokens[1])
		if r == nil || r.Value == nil {
			return nil, nil
		}
		content, tokens = r.Value.Content, tokens[2:]
	default:
		return nil, nil
	}
	if len(tokens) < 3 || tokens[0] != "content" || tokens[2] != "schema" {
		return nil, nil
	}
	mt := content.Get(tokens[1])
	if mt == nil || mt.Schema == nil {
		return nil, nil
	}
	return mt.Schema.Value, tokens[3:]
}

// descendSchema follows schema keywords from s.
func descendSchema(s *openapi3.Schema, tokens []string) *openapi3.Schema {
	for len(tokens) > 0 && s != nil {
		var used int
		s, used = schemaStep(s, tokens)
		tokens = tokens[used:]
	}
	return s
}

// schemaStep takes one keyword (and its argument) from tokens.
func schemaStep(s *openapi3.Schema, tokens []string) (*openapi3.Schema, int) {
	arg := func() string {
		if len(tokens) < 2 {
			return ""
		}
		return tokens[1]
	}
	switch tokens[0] {
	case "properties":
		return refValue(s.Properties[arg()]), 2
	case "$defs":
		return refValue(s.Defs[arg()]), 2
	case "items":
		return refValue(s.Items), 1
	case "not":
		return refValue(s.Not), 1
	case "additionalProperties":
		return refValue(s.AdditionalProperties.Schema), 1
	case "allOf":
		return indexRef(s.AllOf, arg()), 2
	case "anyOf":
		return indexRef(s.AnyOf, arg()), 2
	case "oneOf":
		return indexRef(s.OneOf, arg()), 2
	case "prefixItems":
		return indexRef(s.PrefixItems, arg()), 2
	}
	return nil, 1
}

// indexRef returns refs[i] for the decimal index token i.
func indexRef(refs openapi3.SchemaRefs, token string) *openapi3.Schema {
	i, err := strconv.Atoi(token)
	if err != nil || i < 0 || i >= len(refs) {
		return nil
	}
	return refValue(refs[i])
}

// refValue returns the schema of r, nil-safe.
func refValue(r *openapi3.SchemaRef) *openapi3.Schema {
	if r == nil {
		return nil
	}
	return r.Value
}
