package specs

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// report turns the faults into findings: each cause once per node, at the
// node's pointer in the user's file (mapped back to the Swagger 2.0 file
// the document was converted from, when root is one; trimmed to a node
// the file has).
func (c *docCheck) report(r *report, swagger *yaml.Node) {
	seen := map[string]bool{}
	for _, f := range c.faults {
		p := f.pointer
		if swagger != nil {
			p = swaggerPointer(p, swagger)
		}
		p = c.source.existing(p)
		key := p + "\x00" + f.kind + "\x00" + f.msg
		if seen[key] {
			continue
		}
		seen[key] = true
		switch used := c.used(f); {
		case !used:
			r.warnHint(CodeOpenAPIUnusedInvalid, p, "the x-sync uses no operation that reaches this part of the vendor's document, so it is only a warning; "+faultHint(f.kind), "%s", f.msg)
		case f.tolerated:
			r.warnHint(CodeOpenAPITolerated, p, faultHint(f.kind), "%s", f.msg)
		case f.annotation:
			r.warnHint(CodeOpenAPIExampleInvalid, p, "examples only document; the engine neither sends nor checks them", "%s", f.msg)
		default:
			r.errorHint(CodeOpenAPIInvalid, p, faultHint(f.kind)+"; correct it in an overlay, leaving the vendor's file as published", "%s", f.msg)
		}
	}
}

// used reports whether the x-sync uses a node the fault touches.
func (c *docCheck) used(f docFault) bool {
	if f.touches == nil {
		return c.scope.covers(f.pointer)
	}
	return slices.ContainsFunc(f.touches, c.scope.covers)
}

// faultHint says what a kind of fault means.
func faultHint(kind string) string {
	switch {
	case kind == "schema-pattern-regex-invalid":
		return "the pattern is not a regular expression Go can compile (RE2: no lookaround, no backreferences), so values cannot be checked against it"
	case kind == faultDefault:
		return "OpenAPI 3.0 and Swagger 2.0 require a default to match its schema; a request may be sent with it"
	case kind == faultExample:
		return "an example should match its schema"
	case kind == "extra-sibling-fields":
		return "OpenAPI 3.0 allows only its own keywords and x- extensions here; a 3.1 document may use any JSON Schema keyword"
	case strings.HasSuffix(kind, "-for-3-1-plus"), strings.HasSuffix(kind, "-for-3-2-plus"):
		return "this keyword belongs to a later OpenAPI version than the document declares in \"openapi\""
	case strings.HasSuffix(kind, "-before-3-1"):
		return "it is read as OpenAPI 3.0 means it (minimum or maximum is exclusive); OpenAPI 3.1 (JSON Schema 2020-12) writes the bound itself: \"exclusiveMinimum\": 0"
	case kind == "unresolved-ref":
		return "the $ref points at nothing; it must name an existing node, such as \"#/components/schemas/Name\""
	case strings.HasSuffix(kind, "-required"):
		return "the OpenAPI specification requires this field"
	case kind == "path-parameters-mismatch":
		return "every {name} of the path needs a parameter \"in\": \"path\", and every path parameter a {name}"
	case kind == "conflicting-paths":
		return "two path templates match the same URLs, so a request may be routed to the other path's operation"
	case kind == "duplicate-operation-id":
		return "operationIds must be unique; an x-sync naming this one gets the first by path and method"
	}
	return "see the OpenAPI specification for this object"
}

// componentKinds names the components by their key under components.
var componentKinds = map[string]string{
	"schemas": "schema", "parameters": "parameter", "requestBodies": "request body", "responses": "response",
	"headers": "header", "securitySchemes": "security scheme", "callbacks": "callback", "examples": "example",
	"links": "link", "pathItems": "path item",
}

// describeDocNode names the node at p of an OpenAPI 3 document for a
// message: `property "address.street" of schema "Tenant"`, `GET /units`.
func describeDocNode(p string) string {
	t := jsonptr.Split(p)
	head, rest := "the document", t
	switch {
	case len(t) >= 3 && t[0] == "components":
		kind := componentKinds[t[1]]
		if kind == "" {
			kind = t[1]
		}
		head, rest = fmt.Sprintf("%s %q", kind, t[2]), t[3:]
	case len(t) >= 3 && t[0] == "paths" && t[2] != "parameters":
		head, rest = strings.ToUpper(t[2])+" "+t[1], t[3:]
	case len(t) >= 2 && t[0] == "paths":
		head, rest = "path "+t[1], t[2:]
	case len(t) >= 1:
		head, rest = t[0], t[1:]
	}
	head += operationPart(rest)
	if prop := propertyPath(rest); prop != "" {
		return fmt.Sprintf("property %q of %s", prop, head)
	}
	return head
}

// operationPart names the part of an operation the pointer tokens rest
// lead into: " response 201", " request body", " parameter 0".
func operationPart(rest []string) string {
	switch {
	case len(rest) >= 2 && rest[0] == "responses":
		return " response " + rest[1]
	case len(rest) >= 2 && rest[0] == "parameters":
		return " parameter " + rest[1]
	case len(rest) >= 1 && rest[0] == "requestBody":
		return " request body"
	}
	return ""
}

// propertyPath returns the dotted property path named by the pointer
// tokens of a schema ("properties", "address", "items", "properties",
// "street": "address[].street").
func propertyPath(t []string) string {
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case "properties":
			if i+1 < len(t) {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(t[i+1])
				i++
			}
		case "items":
			if b.Len() > 0 {
				b.WriteString("[]")
			}
		}
	}
	return b.String()
}
