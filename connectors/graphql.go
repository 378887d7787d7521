package connectors

import (
	"fmt"
	"maps"
	"slices"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// graphqlOp is the GraphQL side of an operation: the document, the
// variable receiving the mapped body, and templates for other variables.
type graphqlOp struct {
	query    string
	variable jsonvalue.Path
	fills    []graphqlFill
}

type graphqlFill struct {
	name string
	path jsonvalue.Path
	tpl  *template
}

// envelope is the JSON body of a GraphQL request.
type envelope struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

func (c *Client) compileGraphQL(op *specs.Operation) (*graphqlOp, error) {
	g := &graphqlOp{query: op.GraphQL, variable: jsonvalue.ParsePath(op.Variable)}
	names := slices.Sorted(maps.Keys(op.Variables))
	for _, n := range names {
		tpl, err := compileTemplate(c.templates(), op.Variables[n])
		if err != nil {
			return nil, fmt.Errorf("variables.%s: %w", n, err)
		}
		g.fills = append(g.fills, graphqlFill{name: n, path: jsonvalue.ParsePath(n), tpl: tpl})
	}
	return g, nil
}

// variables renders the variable templates into a new variables object;
// names may be dotted paths ("input.filter.status").
func (g *graphqlOp) variables(vars transforms.Vars) (map[string]any, error) {
	out := make(map[string]any, len(g.fills)+1)
	for _, f := range g.fills {
		v, err := f.tpl.render(vars)
		if err != nil {
			return nil, fmt.Errorf("variables.%s: %w", f.name, err)
		}
		if err := setAt(out, f.path, v); err != nil {
			return nil, fmt.Errorf("variables.%s: %w", f.name, err)
		}
	}
	return out, nil
}

func (g *graphqlOp) envelope(vars map[string]any) any {
	return envelope{Query: g.query, Variables: vars}
}

// setInput puts the mapped body into the operation's variable.
func (g *graphqlOp) setInput(vars map[string]any, body map[string]any) error {
	if len(g.variable) == 0 {
		return fmt.Errorf("the operation has no variable to receive the body; set variable")
	}
	return setAt(vars, g.variable, body)
}

// graphqlErrors returns a *GraphQLError when the response's error array
// (at errs) is not empty.
func graphqlErrors(opName string, errs jsonvalue.Path, body any) error {
	v, ok := errs.Lookup(body)
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return &GraphQLError{Operation: opName, Errors: []GraphQLMessage{{Message: fmt.Sprintf("the error field %q is %s, not an array", errs.String(), jsonvalue.Kind(v))}}}
	}
	if len(list) == 0 {
		return nil
	}
	e := &GraphQLError{Operation: opName, Errors: make([]GraphQLMessage, 0, len(list))}
	for _, item := range list {
		e.Errors = append(e.Errors, graphqlMessage(item))
	}
	return e
}

func graphqlMessage(item any) GraphQLMessage {
	obj, _ := item.(map[string]any)
	m := GraphQLMessage{}
	m.Message, _ = obj["message"].(string)
	if m.Message == "" {
		m.Message = "error without a message"
	}
	m.Path, _ = obj["path"].([]any)
	if ext, ok := obj["extensions"].(map[string]any); ok {
		m.Code, _ = ext["code"].(string)
	}
	return m
}
