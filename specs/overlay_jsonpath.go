package specs

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// jsonPath is a parsed JSONPath query (RFC 9535), the subset overlays use:
// the root `$`, member names (`.name`, `['name']`), wildcards (`.*`,
// `[*]`), array indices (`[0]`, `[-1]`), lists of these (`['a','b']`),
// descendants (`..name`, `..*`, `..[...]`) and filters (`[?@.key ==
// 'value']`, with or without parentheses) that compare a member of the
// candidate with a literal by == or != or test that it exists, combined
// with &&, || and !.
type jsonPath []pathSegment

// pathSegment selects children of each node; descendant segments select
// among the node and all its descendants.
type pathSegment struct {
	descendant bool
	selectors  []pathSelector
}

// pathSelector selects children of a node: by name, by index, all of
// them (wildcard) or those a filter accepts.
type pathSelector struct {
	kind   selectorKind
	name   string
	index  int
	filter filterExpr
}

type selectorKind int

const (
	selectName selectorKind = iota
	selectIndex
	selectAll
	selectFilter
)

// pathMatch is a node a query selected, with where it is: its pointer in
// the document, and its parent and place in the parent's Content (the
// value's index) so that it can be removed. The root has no parent.
type pathMatch struct {
	node    *yaml.Node
	parent  *yaml.Node
	at      int
	pointer string
}

// pathError is a malformed query: what is wrong and at which character
// (0-based) of the query.
type pathError struct {
	offset int
	msg    string
}

func (e *pathError) Error() string {
	return fmt.Sprintf("at character %d: %s", e.offset+1, e.msg)
}

// parseJSONPath parses a query. It returns a *pathError for what it does
// not understand.
func parseJSONPath(s string) (jsonPath, error) {
	p := &pathParser{s: s}
	return p.query()
}

// pathParser reads a query character by character.
type pathParser struct {
	s   string
	pos int
}

func (p *pathParser) fail(format string, args ...any) error {
	return &pathError{offset: p.pos, msg: fmt.Sprintf(format, args...)}
}

func (p *pathParser) peek(prefix string) bool { return strings.HasPrefix(p.s[p.pos:], prefix) }

func (p *pathParser) eat(prefix string) bool {
	if p.peek(prefix) {
		p.pos += len(prefix)
		return true
	}
	return false
}

func (p *pathParser) spaces() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

// query reads "$" and the segments after it.
func (p *pathParser) query() (jsonPath, error) {
	if !p.eat("$") {
		return nil, p.fail(`a query starts with "$"`)
	}
	return p.segments(false)
}

// segments reads segments up to the end of the query, or, inside a
// filter (relative), up to the first character that cannot continue one.
func (p *pathParser) segments(relative bool) (jsonPath, error) {
	var out jsonPath
	for p.pos < len(p.s) {
		seg, ok, err := p.segment()
		if err != nil {
			return nil, err
		}
		if !ok {
			if relative {
				return out, nil
			}
			return nil, p.fail("expected \".\", \"..\" or \"[\"")
		}
		out = append(out, seg)
	}
	return out, nil
}

// segment reads one segment; ok is false when none starts here.
func (p *pathParser) segment() (pathSegment, bool, error) {
	switch {
	case p.eat(".."):
		seg, err := p.afterDot()
		seg.descendant = true
		return seg, true, err
	case p.eat("."):
		seg, err := p.afterDot()
		return seg, true, err
	case p.eat("["):
		sels, err := p.bracket()
		return pathSegment{selectors: sels}, true, err
	}
	return pathSegment{}, false, nil
}

// afterDot reads what follows "." or "..": a name, "*" or a bracket.
func (p *pathParser) afterDot() (pathSegment, error) {
	switch {
	case p.eat("*"):
		return pathSegment{selectors: []pathSelector{{kind: selectAll}}}, nil
	case p.eat("["):
		sels, err := p.bracket()
		return pathSegment{selectors: sels}, err
	}
	start := p.pos
	for p.pos < len(p.s) && isNameChar(p.s[p.pos], p.pos == start) {
		p.pos++
	}
	if p.pos == start {
		return pathSegment{}, p.fail("expected a member name, \"*\" or \"[\"")
	}
	return pathSegment{selectors: []pathSelector{{kind: selectName, name: p.s[start:p.pos]}}}, nil
}

// isNameChar reports whether c may be part of a member name written after
// a dot (RFC 9535 member-name-shorthand; any byte of a multi-byte
// character is allowed).
func isNameChar(c byte, first bool) bool {
	switch {
	case c == '_' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		return true
	case c == '-' || (c >= '0' && c <= '9'):
		return !first || c == '-' // a leading "-" is common in real keys
	}
	return false
}

// bracket reads the selectors of "[...]" after the "[".
func (p *pathParser) bracket() ([]pathSelector, error) {
	var sels []pathSelector
	for {
		p.spaces()
		sel, err := p.selector()
		if err != nil {
			return nil, err
		}
		sels = append(sels, sel)
		p.spaces()
		if p.eat("]") {
			return sels, nil
		}
		if !p.eat(",") {
			return nil, p.fail(`expected "," or "]"`)
		}
	}
}

// selector reads one selector inside brackets.
func (p *pathParser) selector() (pathSelector, error) {
	switch {
	case p.eat("*"):
		return pathSelector{kind: selectAll}, nil
	case p.peek("'") || p.peek(`"`):
		name, err := p.stringLiteral()
		return pathSelector{kind: selectName, name: name}, err
	case p.eat("?"):
		p.spaces()
		f, err := p.orExpr()
		return pathSelector{kind: selectFilter, filter: f}, err
	}
	n, ok := p.integer()
	if !ok {
		return pathSelector{}, p.fail("expected a quoted name, an index, \"*\" or a filter \"?...\"")
	}
	return pathSelector{kind: selectIndex, index: n}, nil
}

// integer reads an optionally negative integer.
func (p *pathParser) integer() (int, bool) {
	start := p.pos
	p.eat("-")
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	n, err := strconv.Atoi(p.s[start:p.pos])
	if err != nil {
		p.pos = start
		return 0, false
	}
	return n, true
}

// stringLiteral reads a single- or double-quoted string with backslash
// escapes.
func (p *pathParser) stringLiteral() (string, error) {
	quote := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\\' && p.pos+1 < len(p.s):
			p.pos++
			b.WriteByte(unescapeByte(p.s[p.pos]))
		default:
			b.WriteByte(c)
		}
		p.pos++
	}
	return "", p.fail("the string is not closed")
}

// unescapeByte returns the character a backslash escape stands for.
func unescapeByte(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	}
	return c
}

// select returns the nodes the query selects in the document under root,
// in document order.
func (q jsonPath) selectFrom(root *yaml.Node) []pathMatch {
	cur := []pathMatch{{node: root}}
	for _, seg := range q {
		var next []pathMatch
		for _, m := range cur {
			if seg.descendant {
				for _, d := range descendants(m) {
					next = append(next, seg.apply(d)...)
				}
				continue
			}
			next = append(next, seg.apply(m)...)
		}
		cur = dedupMatches(next)
	}
	return cur
}

// apply returns the children of m the segment's selectors select.
func (seg pathSegment) apply(m pathMatch) []pathMatch {
	var out []pathMatch
	for _, sel := range seg.selectors {
		out = append(out, sel.apply(m)...)
	}
	return out
}

// apply returns the children of m the selector selects.
func (sel pathSelector) apply(m pathMatch) []pathMatch {
	n := m.node
	switch {
	case sel.kind == selectName && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == sel.name {
				return []pathMatch{child(m, i+1)}
			}
		}
	case sel.kind == selectIndex && n.Kind == yaml.SequenceNode:
		i := sel.index
		if i < 0 {
			i += len(n.Content)
		}
		if i >= 0 && i < len(n.Content) {
			return []pathMatch{child(m, i)}
		}
	case sel.kind == selectAll:
		return children(m)
	case sel.kind == selectFilter:
		var out []pathMatch
		for _, c := range children(m) {
			if sel.filter.holds(c.node) {
				out = append(out, c)
			}
		}
		return out
	}
	return nil
}

// children returns the member values or items of m.
func children(m pathMatch) []pathMatch {
	var out []pathMatch
	switch m.node.Kind {
	case yaml.MappingNode:
		for i := 1; i < len(m.node.Content); i += 2 {
			out = append(out, child(m, i))
		}
	case yaml.SequenceNode:
		for i := range m.node.Content {
			out = append(out, child(m, i))
		}
	}
	return out
}

// child returns the match of the value at Content[i] of m's node.
func child(m pathMatch, i int) pathMatch {
	n := m.node
	token := strconv.Itoa(i)
	if n.Kind == yaml.MappingNode {
		token = n.Content[i-1].Value
	}
	return pathMatch{node: n.Content[i], parent: n, at: i, pointer: jsonptr.Join(m.pointer, token)}
}

// descendants returns m and every node below it, in document order.
func descendants(m pathMatch) []pathMatch {
	out := []pathMatch{m}
	for _, c := range children(m) {
		out = append(out, descendants(c)...)
	}
	return out
}

// dedupMatches keeps the first match of each node (a descendant query
// may reach a node twice).
func dedupMatches(ms []pathMatch) []pathMatch {
	seen := make(map[*yaml.Node]bool, len(ms))
	out := ms[:0]
	for _, m := range ms {
		if !seen[m.node] {
			seen[m.node] = true
			out = append(out, m)
		}
	}
	return out
}
