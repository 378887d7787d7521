package transforms

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/flosch/pongo2/v6"
)

// chain is an expression template of the common form
// "{{ a.b|filter:arg|filter }}" whose arguments are literals or variable
// paths. It is evaluated without pongo2's interpreter, calling the same
// filter functions in the same order with the same values, so the result
// and errors are pongo2's. Anything the chain cannot resolve exactly as
// pongo2 would (see lookup) makes it step aside for pongo2.
type chain struct {
	path    []string
	filters []chainFilter
}

type chainFilter struct {
	name string
	fn   pongo2.FilterFunction
	col  int // 1-based byte column of the filter name, as pongo2 counts
	// arg is the literal argument, or nil; argPath a variable argument.
	arg     *pongo2.Value
	argPath []string
}

// eval evaluates c. ok is false when pongo2 must evaluate the template.
func (c *chain) eval(vars Vars) (v any, ok bool, err error) {
	v, ok = lookup(vars, c.path)
	if !ok || len(c.filters) == 0 {
		return v, ok, nil
	}
	in := pongo2.AsValue(v)
	for i := range c.filters {
		f := &c.filters[i]
		param := f.arg
		if f.argPath != nil {
			pv, found := lookup(vars, f.argPath)
			if !found {
				return nil, false, nil
			}
			param = pongo2.AsValue(pv)
		}
		out, perr := f.fn(in, param)
		if perr != nil {
			if perr.Token == nil && perr.Line <= 0 {
				perr.Line, perr.Column = 1, f.col
			}
			return nil, true, templateError(perr, 0)
		}
		in = out
	}
	return in.Interface(), true, nil
}

// checkArguments reports a filter of c that needs an argument but has
// none. A nil chain has nothing to check.
func (c *chain) checkArguments() error {
	if c == nil {
		return nil
	}
	for _, f := range c.filters {
		if f.argPath != nil || !f.arg.IsNil() {
			continue
		}
		_, perr := f.fn(pongo2.AsValue(nil), f.arg)
		if perr == nil {
			continue
		}
		var ae *ArgumentError
		if errors.As(perr.OrigError, &ae) && ae.missing {
			ae.Filter = f.name
			return &TemplateError{Line: 1, Column: f.col, Err: perr.OrigError}
		}
	}
	return nil
}

// parseChain reads src as a chain, or returns nil when src is anything
// else (pongo2 then evaluates it). It accepts a strict subset of pongo2's
// syntax: single spaces or none between tokens, string and whole-number
// literals, true and false, and dotted variable paths.
func parseChain(src string) *chain {
	p := chainParser{src: src}
	if !p.eat("{{") {
		return nil
	}
	p.spaces()
	c := &chain{path: p.path()}
	if c.path == nil {
		return nil
	}
	for p.spaces(); p.eat("|"); p.spaces() {
		p.spaces()
		f, ok := p.filter()
		if !ok {
			return nil
		}
		c.filters = append(c.filters, f)
	}
	if !p.eat("}}") || p.pos != len(src) {
		return nil
	}
	return c
}

type chainParser struct {
	src string
	pos int
}

func (p *chainParser) eat(s string) bool {
	if strings.HasPrefix(p.src[p.pos:], s) {
		p.pos += len(s)
		return true
	}
	return false
}

func (p *chainParser) spaces() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

// ident reads an identifier.
func (p *chainParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) {
		if !isIdentByte(p.src[p.pos], p.pos > start) {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

// path reads a dotted variable path that is not a keyword.
func (p *chainParser) path() []string {
	var parts []string
	for {
		id := p.ident()
		if id == "" {
			return nil
		}
		parts = append(parts, id)
		if !p.eat(".") {
			break
		}
	}
	if pongo2Keywords[parts[0]] {
		return nil
	}
	return parts
}

func (p *chainParser) filter() (chainFilter, bool) {
	f := chainFilter{col: p.pos + 1}
	f.name = p.ident()
	fn := filterFunction(f.name)
	if fn == nil {
		return f, false
	}
	f.fn = fn
	p.spaces()
	if !p.eat(":") {
		f.arg = pongo2.AsValue(nil)
		return f, true
	}
	p.spaces()
	return f, p.argument(&f)
}

// argument reads a filter argument: a string, a whole number, true, false
// or a variable path.
func (p *chainParser) argument(f *chainFilter) bool {
	if p.pos >= len(p.src) {
		return false
	}
	switch c := p.src[p.pos]; {
	case c == '"' || c == '\'':
		s, ok := p.stringLiteral(c)
		f.arg = pongo2.AsValue(s)
		return ok
	case c >= '0' && c <= '9':
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		n, err := strconv.Atoi(p.src[start:p.pos])
		f.arg = pongo2.AsValue(n)
		return err == nil && (p.pos == len(p.src) || p.src[p.pos] != '.')
	}
	start := p.pos
	switch id := p.ident(); id {
	case "true", "false":
		f.arg = pongo2.AsValue(id == "true")
		return p.pos == len(p.src) || p.src[p.pos] != '.'
	}
	p.pos = start
	f.argPath = p.path()
	return f.argPath != nil
}

// stringLiteral reads a quoted string, undoing the escapes \" and \\ the
// way pongo2's lexer does; any other escape is refused.
func (p *chainParser) stringLiteral(quote byte) (string, bool) {
	p.pos++
	start := p.pos
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == quote:
			raw := p.src[start:p.pos]
			p.pos++
			raw = strings.ReplaceAll(raw, `\"`, `"`)
			return strings.ReplaceAll(raw, `\\`, `\`), true
		case c == '\\':
			if p.pos+1 >= len(p.src) || p.src[p.pos+1] != '"' && p.src[p.pos+1] != '\\' {
				return "", false
			}
			p.pos += 2
		case c == '\n':
			return "", false
		default:
			p.pos++
		}
	}
	return "", false
}

// libraryFilters are the library's filters as registered in pongo2.
var libraryFilters = sync.OnceValue(func() map[string]pongo2.FilterFunction {
	m := make(map[string]pongo2.FilterFunction)
	for _, d := range filterDefs() {
		m[d.info.Name] = adapt(d.info.Name, d.fn)
	}
	return m
})

// filterFunction returns the filter pongo2 runs under name: the library's
// own, or pongo2's built-in through its registry; nil when unknown.
func filterFunction(name string) pongo2.FilterFunction {
	if fn, ok := libraryFilters()[name]; ok {
		return fn
	}
	if !pongo2.FilterExists(name) {
		return nil
	}
	return func(in, param *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
		return pongo2.ApplyFilter(name, in, param)
	}
}
