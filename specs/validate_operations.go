package specs

import (
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// checkOperation checks one operation of entity name.
func (c *specCheck) checkOperation(name string, e *Entity, s slot, p string) {
	op := s.op
	c.tpl.checkMap(op.Params, jsonptr.Join(p, "params"))
	c.tpl.checkMap(op.Variables, jsonptr.Join(p, "variables"))
	ref := c.resolveOperation(op.Operation, jsonptr.Join(p, "operation"))
	c.checkGraphQLUse(op, p)
	c.checkInput(s, p)
	if ref == nil {
		return
	}
	c.checkParams(op, ref, p)
	c.checkVariables(op, p)
	c.checkResponsePaths(s, ref, p)
}

// resolveOperation finds operationId id, reporting unknown-operation at p.
func (c *specCheck) resolveOperation(id, p string) *OperationRef {
	if id == "" {
		return nil // missing-key reported it
	}
	ref, ok := c.spec.Operation(id)
	if !ok {
		c.r.errorHint(CodeUnknownOperation, p, didYouMean(id, c.spec.operationIDs(), "operationIds in this document"),
			"no operation has operationId %q", id)
		return nil
	}
	c.named[id] = true
	return ref
}

// checkGraphQLUse reports GraphQL documents without an endpoint, and
// operations on the endpoint without a document.
func (c *specCheck) checkGraphQLUse(op *Operation, p string) {
	endpoint := c.spec.Sync.GraphQL
	switch {
	case op.GraphQL != "" && endpoint == nil:
		c.r.errorHint(CodeMissingGraphQL, jsonptr.Join(p, "graphql"), `add "graphql": {"operation": "<operationId of the GraphQL endpoint>"} to x-sync`,
			"the operation carries a GraphQL document but x-sync has no graphql endpoint")
	case op.GraphQL == "" && endpoint != nil && op.Operation != "" && op.Operation == endpoint.Operation:
		c.r.errorHint(CodeMissingGraphQL, p, `add "graphql" with the query or mutation to send`,
			"operation %q is the GraphQL endpoint but no GraphQL document is given", op.Operation)
	}
}

// checkInput reports GraphQL writes without input or variable, and input
// pointers that resolve to nothing.
func (c *specCheck) checkInput(s slot, p string) {
	op := s.op
	if op.Input != "" && schemaAt(c.spec.Doc, op.Input) == nil {
		c.r.errorHint(CodeUnknownSchema, jsonptr.Join(p, "input"), didYouMean(op.Input, c.schemaPointers(), "schemas in this document"),
			"input %q resolves to no schema of this document", op.Input)
	}
	if !s.isWrite() || op.GraphQL == "" {
		return
	}
	for _, key := range []string{"variable", "input"} {
		if (key == "variable" && op.Variable == "") || (key == "input" && op.Input == "") {
			c.r.errorHint(CodeMissingInput, jsonptr.Join(p, key), missingInputHint(key),
				"a GraphQL %s needs %q", s.key, key)
		}
	}
}

// missingInputHint says what variable and input are for.
func missingInputHint(key string) string {
	if key == "variable" {
		return `name the GraphQL variable that receives the mapped body, such as "t" for mutation($t: TenantInput!)`
	}
	return `point at the schema of the mapped body, such as "#/components/schemas/TenantInput"`
}

// schemaPointers lists the pointers of the document's component schemas.
func (c *specCheck) schemaPointers() []string {
	if c.spec.Doc.Components == nil {
		return nil
	}
	var out []string
	for name := range c.spec.Doc.Components.Schemas {
		out = append(out, jsonptr.Join("#/components/schemas", name))
	}
	return out
}

// checkParams reports unknown parameters and required path parameters
// without a template.
func (c *specCheck) checkParams(op *Operation, ref *OperationRef, p string) {
	params := operationParams(ref)
	for _, name := range slices.Sorted(maps.Keys(op.Params)) {
		if params[name] == nil {
			c.r.errorHint(CodeUnknownParameter, jsonptr.Join(p, "params", name), didYouMean(name, slices.Sorted(maps.Keys(params)), "parameters of "+ref.ID),
				"operation %q has no parameter %q", ref.ID, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		if prm := params[name]; prm.In == openapi3.ParameterInPath && op.Params[name] == "" {
			c.r.errorHint(CodeMissingParameter, jsonptr.Join(p, "params"), `add "params": {"`+name+`": "{{ ... }}"}`,
				"path parameter %q of %s %s has no template", name, ref.Method, ref.Path)
		}
	}
}

// operationParams returns the parameters of an operation, including those
// of its path item, by name.
func operationParams(ref *OperationRef) map[string]*openapi3.Parameter {
	out := map[string]*openapi3.Parameter{}
	add := func(ps openapi3.Parameters) {
		for _, pr := range ps {
			if pr != nil && pr.Value != nil {
				out[pr.Value.Name] = pr.Value
			}
		}
	}
	if ref.PathItem != nil {
		add(ref.PathItem.Parameters)
	}
	add(ref.Operation.Parameters)
	return out
}

// checkVariables reports GraphQL variables that the document does not
// declare. Documents that cannot be parsed are not checked.
func (c *specCheck) checkVariables(op *Operation, p string) {
	declared, ok := graphqlVariables(op.GraphQL)
	if op.GraphQL == "" || !ok {
		return
	}
	names := slices.Sorted(maps.Keys(declared))
	if op.Variable != "" && !declared[op.Variable] {
		c.r.errorHint(CodeUnknownParameter, jsonptr.Join(p, "variable"), didYouMean(op.Variable, names, "declared variables"),
			"the GraphQL document declares no variable $%s", op.Variable)
	}
	for _, name := range slices.Sorted(maps.Keys(op.Variables)) {
		if !declared[name] {
			c.r.errorHint(CodeUnknownParameter, jsonptr.Join(p, "variables", name), didYouMean(name, names, "declared variables"),
				"the GraphQL document declares no variable $%s", name)
		}
	}
}
