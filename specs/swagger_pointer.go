package specs

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// swaggerPointer maps a JSON pointer of the OpenAPI 3 document converted
// from a Swagger 2.0 file back to the pointer of the same node in that
// file (root is its root mapping): components to definitions, parameters,
// responses and securityDefinitions; a request body to its body
// parameter; a response's content schema to the response's schema. The
// result may still name a node the file does not have; the caller trims
// it to an existing ancestor.
func swaggerPointer(p string, root *yaml.Node) string {
	t := jsonptr.Split(p)
	switch {
	case len(t) >= 3 && t[0] == "components":
		return jsonptr.Join("", swaggerComponent(t[1], t[2:])...)
	case len(t) >= 3 && t[0] == "paths":
		if len(t) == 3 {
			return p
		}
		op := jsonptr.Join("/paths", t[1], t[2])
		return jsonptr.Join(op, swaggerOperationPart(op, t[3:], root)...)
	case len(t) >= 1 && t[0] == "servers":
		return "/host"
	}
	return p
}

// swaggerComponent maps a component of kind at rest (its name and the
// tokens under it) to the Swagger tokens.
func swaggerComponent(kind string, rest []string) []string {
	switch kind {
	case "schemas":
		return append([]string{"definitions"}, rest...)
	case "parameters":
		return append([]string{"parameters", rest[0]}, dropSchema(rest[1:])...)
	case "requestBodies":
		return append([]string{"parameters", rest[0]}, contentSchema(rest[1:])...)
	case "responses":
		return append([]string{"responses", rest[0]}, responsePart(rest[1:])...)
	case "securitySchemes":
		return append([]string{"securityDefinitions"}, rest...)
	}
	return append([]string{"components", kind}, rest...)
}

// swaggerOperationPart maps the tokens under an operation at op.
func swaggerOperationPart(op string, rest []string, root *yaml.Node) []string {
	switch rest[0] {
	case "requestBody":
		i, ok := swaggerParamIndex(root, op, func(in string, _ int) bool { return in == "body" })
		if !ok {
			return []string{"parameters"}
		}
		return append([]string{"parameters", strconv.Itoa(i)}, contentSchema(rest[1:])...)
	case "parameters":
		if len(rest) < 2 {
			return rest
		}
		n, err := strconv.Atoi(rest[1])
		i, ok := swaggerParamIndex(root, op, func(in string, k int) bool { return in != "body" && in != "formData" && k == n })
		if err != nil || !ok {
			return []string{"parameters"}
		}
		return append([]string{"parameters", strconv.Itoa(i)}, dropSchema(rest[2:])...)
	case "responses":
		if len(rest) < 2 {
			return rest
		}
		return append([]string{"responses", rest[1]}, responsePart(rest[2:])...)
	}
	return rest
}

// swaggerParamIndex finds the index, in the Swagger operation at op, of
// the parameter that match accepts; match gets the parameter's "in" and
// the count of parameters before it that stay parameters in OpenAPI 3.
func swaggerParamIndex(root *yaml.Node, op string, match func(in string, k int) bool) (int, bool) {
	n := root
	for _, tok := range jsonptr.Split(op) {
		if n = memberNode(n, tok); n == nil {
			return 0, false
		}
	}
	params := memberNode(n, "parameters")
	if params == nil || params.Kind != yaml.SequenceNode {
		return 0, false
	}
	k := 0
	for i, item := range params.Content {
		in := ""
		if v := memberNode(item, "in"); v != nil {
			in = v.Value
		}
		if match(in, k) {
			return i, true
		}
		if in != "body" && in != "formData" {
			k++
		}
	}
	return 0, false
}

// contentSchema maps content/{type}/schema/... to schema/...
func contentSchema(rest []string) []string {
	if len(rest) >= 3 && rest[0] == "content" && rest[2] == "schema" {
		return append([]string{"schema"}, rest[3:]...)
	}
	return nil
}

// responsePart maps the tokens under a response.
func responsePart(rest []string) []string {
	if len(rest) >= 1 && rest[0] == "content" {
		return contentSchema(rest)
	}
	if len(rest) >= 2 && rest[0] == "headers" {
		return append([]string{"headers", rest[1]}, dropSchema(rest[2:])...)
	}
	return rest
}

// dropSchema maps the schema of a parameter or header (schema/...) to the
// parameter itself, where Swagger writes type and format.
func dropSchema(rest []string) []string {
	if len(rest) >= 1 && rest[0] == "schema" {
		return rest[1:]
	}
	return rest
}
