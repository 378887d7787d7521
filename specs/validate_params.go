package specs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// ignoredHeaders are the header parameters OpenAPI says to ignore: the
// client sets them itself.
var ignoredHeaders = []string{"Accept", "Content-Type", "Authorization"}

// declaredParam is a parameter of an operation and the JSON pointer of
// its declaration in the document.
type declaredParam struct {
	*openapi3.Parameter
	pointer string
}

// declaredParams lists the parameters of an operation, its path item's
// included, each with where it is declared. An operation's parameter
// replaces the path item's of the same name and place (header names
// compared without case).
func declaredParams(ref *OperationRef) []declaredParam {
	base := jsonptr.Join("/paths", ref.Path)
	var out []declaredParam
	add := func(ps openapi3.Parameters, at string) {
		for i, pr := range ps {
			if pr == nil || pr.Value == nil {
				continue
			}
			d := declaredParam{pr.Value, jsonptr.Join(at, "parameters", fmt.Sprint(i))}
			if strings.HasPrefix(pr.Ref, "#/") {
				d.pointer = pr.Ref[1:]
			}
			out = slices.DeleteFunc(out, func(o declaredParam) bool { return sameParam(o.Parameter, d.In, d.Name) })
			out = append(out, d)
		}
	}
	if ref.PathItem != nil {
		add(ref.PathItem.Parameters, base)
	}
	if ref.Operation != nil {
		add(ref.Operation.Parameters, jsonptr.Join(base, strings.ToLower(ref.Method)))
	}
	return out
}

// sameParam reports whether p is the parameter in/name: header names
// are compared without case (RFC 9110), others exactly.
func sameParam(p *openapi3.Parameter, in, name string) bool {
	if p.In != in {
		return false
	}
	if in == openapi3.ParameterInHeader {
		return strings.EqualFold(p.Name, name)
	}
	return p.Name == name
}

// findParam returns the parameter that params names name: the one of
// that exact name, else a header parameter of that name in another case.
func findParam(params map[string]*openapi3.Parameter, name string) *openapi3.Parameter {
	if p := params[name]; p != nil {
		return p
	}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if p := params[k]; p.In == openapi3.ParameterInHeader && strings.EqualFold(k, name) {
			return p
		}
	}
	return nil
}

// suppliers say which parameters of one operation something other than
// its params fills: the auth method, the paging style (list only), the
// idempotency key header.
type suppliers struct {
	auth    func(in, name string) bool
	paging  []string // parameter names the paging style sets
	idemKey string
}

// supplies reports whether p is filled without a template.
func (s suppliers) supplies(p *openapi3.Parameter) bool {
	if slices.ContainsFunc(s.paging, func(n string) bool { return sameParam(p, p.In, n) }) {
		return true
	}
	if s.idemKey != "" && sameParam(p, openapi3.ParameterInHeader, s.idemKey) {
		return true
	}
	return s.auth != nil && s.auth(p.In, p.Name)
}

// checkRequiredParams reports the required header, query and cookie
// parameters of e's operations that nothing fills: no template in
// params, no default in the document, not sent by the auth method, the
// paging style or as the idempotency key. The partner would refuse every
// such request.
func (c *specCheck) checkRequiredParams(name string, e *Entity) {
	for _, s := range e.slots() {
		ref, ok := c.spec.Operation(s.op.Operation)
		if !ok {
			continue // unknown-operation reported it
		}
		sup := suppliers{auth: c.authSends(), idemKey: s.op.IdempotencyKey}
		if s.key == "list" {
			sup.paging = c.pagingParams(e)
		}
		p := jsonptr.Join(entityPointer(name), s.key)
		for _, d := range declaredParams(ref) {
			if c.unfilled(d, s.op, sup) {
				c.reportUnfilled(d, s.op, e, ref, p)
			}
		}
	}
}

// unfilled reports whether d is a required header, query or cookie
// parameter that nothing fills.
func (c *specCheck) unfilled(d declaredParam, op *Operation, sup suppliers) bool {
	if !d.Required || d.In == openapi3.ParameterInPath {
		return false
	}
	if d.In == openapi3.ParameterInHeader && slices.ContainsFunc(ignoredHeaders, func(h string) bool { return strings.EqualFold(h, d.Name) }) {
		return false
	}
	if d.Schema != nil && d.Schema.Value != nil && d.Schema.Value.Default != nil {
		return false
	}
	for k, v := range op.Params {
		if v != "" && sameParam(d.Parameter, d.In, k) {
			return false
		}
	}
	return !sup.supplies(d.Parameter)
}

// reportUnfilled reports a required parameter that nothing fills, at the
// operation reference, saying where the document declares it.
func (c *specCheck) reportUnfilled(d declaredParam, op *Operation, e *Entity, ref *OperationRef, p string) {
	hint := fmt.Sprintf(`add "params": {%q: "..."}, a constant or a template such as "{{ instance.id }}"`, d.Name)
	switch {
	case c.isAPIKeyScheme(d.In, d.Name):
		hint = fmt.Sprintf(`it is an apiKey security scheme: send it with "auth": {"type": "apiKey", "in": %q, "name": %q, "key": {"env": "..."}}`, d.In, d.Name)
	case e.Incremental != nil && e.Incremental.Param == d.Name && op == e.List:
		hint = fmt.Sprintf(`the incremental filter fills it only on incremental reads, and a full read sends none: add "params": {%q: "..."} with the value a full read needs (the filter replaces it)`, d.Name)
	}
	c.r.errorHint(CodeMissingParameter, jsonptr.Join(p, "operation"), hint,
		"required %s parameter %q of %s %s (declared at %s) has no template, no default, and neither the auth method nor the paging style sends it",
		d.In, d.Name, ref.Method, ref.Path, c.declaredAt(d.pointer))
}

// declaredAt formats where the document declares the value at pointer:
// file:line of the file that writes it (the vendor's document when the
// spec is an overlay), or the file and pointer when the line is unknown.
func (c *specCheck) declaredAt(pointer string) string {
	if !c.spec.Source.has(pointer) {
		return c.spec.Path + "#" + pointer
	}
	l := c.spec.Source.where(pointer)
	file := c.spec.Path
	if l.File != "" {
		file = l.File
	}
	if l.Line <= 0 {
		return file + "#" + l.Pointer
	}
	return fmt.Sprintf("%s:%d", file, l.Line)
}

// isAPIKeyScheme reports whether the document has an apiKey security
// scheme sent as parameter in/name.
func (c *specCheck) isAPIKeyScheme(in, name string) bool {
	return slices.ContainsFunc(c.securitySchemes(), func(s *openapi3.SecurityScheme) bool {
		return s.Type == "apiKey" && sameParam(&openapi3.Parameter{In: s.In, Name: s.Name}, in, name)
	})
}

// authSends returns what tells whether the spec's auth method sends a
// parameter: the decoded method's own answer (ParamSender), or, when the
// method is not decoded (no registry, an unknown type), any string of its
// config naming the parameter, so that nothing is reported that the
// method may send. Nil without auth.
func (c *specCheck) authSends() func(in, name string) bool {
	a := c.spec.Sync.Auth
	switch {
	case a == nil:
		return nil
	case a.Settings != nil:
		ps, ok := a.Settings.(ParamSender)
		if !ok {
			return nil
		}
		return func(in, name string) bool {
			sin, sname := ps.SentParam()
			return sameParam(&openapi3.Parameter{In: sin, Name: sname}, in, name)
		}
	}
	names := configStrings(a.Config)
	return func(_, name string) bool {
		return slices.ContainsFunc(names, func(s string) bool { return strings.EqualFold(s, name) })
	}
}

// pagingParams returns the parameters the paging style of e's list sets:
// those its checks named (PluginCheck.ListParam) or, when the style is
// not decoded, every string of its config.
func (c *specCheck) pagingParams(e *Entity) []string {
	pg := e.Pagination
	if pg == nil {
		pg = c.spec.Sync.Pagination
	}
	if pg == nil {
		return nil
	}
	if pg.Settings != nil {
		return c.listParams[e.List]
	}
	return configStrings(pg.Config)
}

// configStrings returns the string values at the top of a plug-in's
// config object.
func configStrings(raw json.RawMessage) []string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []string
	for _, v := range m {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
