package specs

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// filterExpr is the condition of a filter selector, evaluated with `@` as
// the candidate node.
type filterExpr interface {
	holds(candidate *yaml.Node) bool
}

// filterOr holds when any part holds; filterAnd when all do.
type (
	filterOr  []filterExpr
	filterAnd []filterExpr
	filterNot struct{ expr filterExpr }
)

func (f filterOr) holds(n *yaml.Node) bool {
	for _, e := range f {
		if e.holds(n) {
			return true
		}
	}
	return false
}

func (f filterAnd) holds(n *yaml.Node) bool {
	for _, e := range f {
		if !e.holds(n) {
			return false
		}
	}
	return true
}

func (f filterNot) holds(n *yaml.Node) bool { return !f.expr.holds(n) }

// filterExists holds when the relative query selects something.
type filterExists struct{ path jsonPath }

func (f filterExists) holds(n *yaml.Node) bool { return len(f.path.selectFrom(n)) > 0 }

// filterCompare compares two operands by == or != (RFC 9535: values are
// equal when of the same JSON type and value; a query that selects
// nothing equals only another that selects nothing).
type filterCompare struct {
	left, right filterOperand
	equal       bool // == rather than !=
}

func (f filterCompare) holds(n *yaml.Node) bool {
	l, lok := f.left.value(n)
	r, rok := f.right.value(n)
	same := lok == rok && (!lok || l == r)
	return same == f.equal
}

// filterOperand is a literal or a relative query that selects one node.
type filterOperand struct {
	path    jsonPath // nil for a literal
	literal scalarValue
}

// scalarValue is a JSON scalar as a comparable value: its type ("string",
// "number", "bool", "null", or "structured" for objects and arrays, which
// never equal a literal) and its text (numbers in a canonical form).
type scalarValue struct{ kind, text string }

// value returns the operand's value for the candidate n; false when a
// query selects nothing or more than one node.
func (o filterOperand) value(n *yaml.Node) (scalarValue, bool) {
	if o.path == nil {
		return o.literal, true
	}
	ms := o.path.selectFrom(n)
	if len(ms) != 1 {
		return scalarValue{}, false
	}
	return nodeValue(ms[0].node), true
}

// nodeValue returns the comparable value of a node.
func nodeValue(n *yaml.Node) scalarValue {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return scalarValue{kind: "structured", text: strconv.Itoa(n.Line) + ":" + strconv.Itoa(n.Column)}
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return numberValue(n.Value)
	case "!!bool":
		return scalarValue{kind: "bool", text: n.Value}
	case "!!null":
		return scalarValue{kind: "null"}
	}
	return scalarValue{kind: "string", text: n.Value}
}

// numberValue is the value of a number written as text.
func numberValue(text string) scalarValue {
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return scalarValue{kind: "number", text: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	return scalarValue{kind: "number", text: text}
}

// orExpr reads a filter: and-expressions joined by "||".
func (p *pathParser) orExpr() (filterExpr, error) {
	var or filterOr
	for {
		e, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		or = append(or, e)
		p.spaces()
		if !p.eat("||") {
			break
		}
	}
	if len(or) == 1 {
		return or[0], nil
	}
	return or, nil
}

// andExpr reads basic expressions joined by "&&".
func (p *pathParser) andExpr() (filterExpr, error) {
	var and filterAnd
	for {
		p.spaces()
		e, err := p.basicExpr()
		if err != nil {
			return nil, err
		}
		and = append(and, e)
		p.spaces()
		if !p.eat("&&") {
			break
		}
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

// basicExpr reads a negation, a parenthesised filter, a comparison or an
// existence test.
func (p *pathParser) basicExpr() (filterExpr, error) {
	switch {
	case p.eat("!"):
		p.spaces()
		e, err := p.basicExpr()
		return filterNot{e}, err
	case p.eat("("):
		e, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		p.spaces()
		if !p.eat(")") {
			return nil, p.fail(`expected ")"`)
		}
		return e, nil
	}
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.spaces()
	equal := p.eat("==")
	if !equal && !p.eat("!=") {
		if left.path == nil {
			return nil, p.fail(`expected "==" or "!=" after a literal`)
		}
		return filterExists{left.path}, nil
	}
	p.spaces()
	right, err := p.operand()
	return filterCompare{left: left, right: right, equal: equal}, err
}

// operand reads a relative query ("@..."), or a string, number, true,
// false or null literal.
func (p *pathParser) operand() (filterOperand, error) {
	switch {
	case p.eat("@"):
		path, err := p.segments(true)
		if path == nil {
			path = jsonPath{}
		}
		return filterOperand{path: path}, err
	case p.peek("'") || p.peek(`"`):
		s, err := p.stringLiteral()
		return filterOperand{literal: scalarValue{kind: "string", text: s}}, err
	case p.eat("true"):
		return filterOperand{literal: scalarValue{kind: "bool", text: "true"}}, nil
	case p.eat("false"):
		return filterOperand{literal: scalarValue{kind: "bool", text: "false"}}, nil
	case p.eat("null"):
		return filterOperand{literal: scalarValue{kind: "null"}}, nil
	}
	start := p.pos
	for p.pos < len(p.s) && (p.s[p.pos] == '-' || p.s[p.pos] == '.' || p.s[p.pos] == '+' || p.s[p.pos]|0x20 == 'e' || (p.s[p.pos] >= '0' && p.s[p.pos] <= '9')) {
		p.pos++
	}
	if _, err := strconv.ParseFloat(p.s[start:p.pos], 64); err != nil || p.pos == start {
		p.pos = start
		return filterOperand{}, p.fail(`expected "@", a quoted string, a number, true, false or null`)
	}
	return filterOperand{literal: numberValue(p.s[start:p.pos])}, nil
}
