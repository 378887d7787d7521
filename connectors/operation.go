package connectors

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// opRef is an operation of the OpenAPI document.
type opRef struct {
	method   string
	path     string
	item     *openapi3.PathItem
	op       *openapi3.Operation
	location string // "paths./tenants.post", for messages
}

// indexOperations maps every operationId of doc to its operation.
func indexOperations(doc *openapi3.T) map[string]opRef {
	ops := map[string]opRef{}
	if doc.Paths == nil {
		return ops
	}
	paths := doc.Paths.Map()
	keys := slices.Sorted(maps.Keys(paths))
	for _, p := range keys {
		item := paths[p]
		for method, op := range item.Operations() {
			if op.OperationID != "" {
				ops[op.OperationID] = opRef{method: strings.ToUpper(method), path: p, item: item, op: op, location: "paths." + p + "." + strings.ToLower(method)}
			}
		}
	}
	return ops
}

// operation is a spec operation compiled once: its route, its parameter
// templates and its response paths.
type operation struct {
	name       string // "tenant.create (createTenant)", for messages
	spec       *specs.Operation
	method     string
	segments   []segment
	params     map[string]string // declared parameters: name -> in
	fills      []fill
	graphql    *graphqlOp
	records    jsonvalue.Path
	result     jsonvalue.Path
	route      *routers.Route
	idempotent bool
}

// segment is a piece of a path template: literal text, or a parameter.
type segment struct {
	text  string
	param bool
}

// fill renders one parameter.
type fill struct {
	name, in string
	tpl      *template
}

// template is a compiled template, or a constant when the source has no
// template syntax (no rendering needed).
type template struct {
	src string
	tpl *transforms.Template
}

func compileTemplate(env *transforms.Env, src string) (*template, error) {
	if !strings.Contains(src, "{{") && !strings.Contains(src, "{%") {
		return &template{src: src}, nil
	}
	t, err := env.Compile(src)
	if err != nil {
		return nil, err
	}
	return &template{src: src, tpl: t}, nil
}

func (t *template) render(vars transforms.Vars) (string, error) {
	if t.tpl == nil {
		return t.src, nil
	}
	return t.tpl.Render(vars)
}

// compileOperation resolves op against the document. label is
// "entity.action"; idempotent says whether repeating the call is harmless.
func (c *Client) compileOperation(label string, op *specs.Operation, idempotent bool) (*operation, error) {
	ref, err := c.routeOf(op)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	o := &operation{
		name:       fmt.Sprintf("%s (%s)", label, op.Operation),
		spec:       op,
		method:     ref.method,
		segments:   splitPath(ref.path),
		params:     declaredParams(ref),
		records:    jsonvalue.ParsePath(op.Records),
		result:     jsonvalue.ParsePath(op.Result),
		route:      &routers.Route{Spec: c.spec.Doc, Path: ref.path, PathItem: ref.item, Method: ref.method, Operation: ref.op},
		idempotent: idempotent || op.IdempotencyKey != "",
	}
	if err := c.compileParams(o); err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if op.GraphQL != "" {
		if o.graphql, err = c.compileGraphQL(op); err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
	}
	return o, nil
}

// routeOf finds the HTTP operation: the GraphQL endpoint for GraphQL
// operations of a GraphQL spec, the operationId otherwise.
func (c *Client) routeOf(op *specs.Operation) (opRef, error) {
	id := op.Operation
	if op.GraphQL != "" && c.spec.Sync.GraphQL != nil {
		id = c.spec.Sync.GraphQL.Operation
	}
	ref, ok := c.ops[id]
	if !ok {
		return opRef{}, fmt.Errorf("operation %q is not an operationId of the document", id)
	}
	return ref, nil
}

func (c *Client) compileParams(o *operation) error {
	names := slices.Sorted(maps.Keys(o.spec.Params))
	for _, name := range names {
		in, ok := o.paramIn(name)
		if !ok {
			return fmt.Errorf("params.%s: the operation declares no parameter %q", name, name)
		}
		tpl, err := compileTemplate(c.templates(), o.spec.Params[name])
		if err != nil {
			return fmt.Errorf("params.%s: %w", name, err)
		}
		o.fills = append(o.fills, fill{name: name, in: in, tpl: tpl})
	}
	for _, s := range o.segments {
		if _, ok := o.spec.Params[s.text]; s.param && !ok {
			return fmt.Errorf("path parameter {%s} has no template in params", s.text)
		}
	}
	return nil
}

// paramIn returns where the declared parameter name goes: the parameter
// of that exact name, else a header parameter whose name differs only in
// case (header names are case-insensitive, RFC 9110).
func (o *operation) paramIn(name string) (string, bool) {
	if in, ok := o.params[name]; ok {
		return in, true
	}
	for _, declared := range slices.Sorted(maps.Keys(o.params)) {
		if o.params[declared] == "header" && strings.EqualFold(declared, name) {
			return "header", true
		}
	}
	return "", false
}

// declaredParams maps the operation's parameters (path item's included)
// to where they go.
func declaredParams(ref opRef) map[string]string {
	out := map[string]string{}
	for _, list := range []openapi3.Parameters{ref.item.Parameters, ref.op.Parameters} {
		for _, p := range list {
			if p != nil && p.Value != nil {
				out[p.Value.Name] = p.Value.In
			}
		}
	}
	return out
}

// splitPath splits "/tenants/{id}/units" into literals and parameters.
func splitPath(p string) []segment {
	var out []segment
	for p != "" {
		open := strings.IndexByte(p, '{')
		end := strings.IndexByte(p, '}')
		if open < 0 || end < open {
			return append(out, segment{text: p})
		}
		if open > 0 {
			out = append(out, segment{text: p[:open]})
		}
		out = append(out, segment{text: p[open+1 : end], param: true})
		p = p[end+1:]
	}
	return out
}

// templates returns the environment compiling the spec's parameter
// templates, within the spec's limits.
func (c *Client) templates() *transforms.Env {
	if c.spec == nil || c.spec.Sync == nil {
		return c.cfg.Templates
	}
	return c.cfg.Templates.WithLimits(c.spec.Sync.Limits.Templates())
}
