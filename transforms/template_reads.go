package transforms

import (
	"slices"
	"strings"
)

// ReadPaths returns the dotted variable paths a template reads from its
// variables, in order: "{% if lease.active %}{{ lease.rent|decimal:2 }}{% endif %}"
// reads ["lease", "active"] and ["lease", "rent"]. Tag names, pongo2's
// keywords (pongo2Keywords) and filter names are not reads; variables given
// to filters are. Names the template binds itself are not reads either: a
// for loop's variables and forloop inside the loop, with's names inside
// the with, and the names of set and of cycle or widthratio "as" anywhere
// (a set in a loop may be read before it in the next iteration). A path
// stops before its first numeric segment (items.0.name reads ["items"]).
// ok is false when the template cannot be read this way: a tag, string
// or comment left open, or a macro.
func ReadPaths(src string) (paths [][]string, ok bool) {
	tags, ok := splitTags(src)
	if !ok {
		return nil, false
	}
	bound := map[string]bool{}
	for _, t := range tags {
		if t.name == "macro" {
			return nil, false
		}
		for _, name := range t.setNames() {
			bound[name] = true
		}
	}
	r := &readScope{global: bound}
	for _, t := range tags {
		paths = append(paths, r.reads(t)...)
	}
	if paths == nil {
		paths = [][]string{}
	}
	return paths, true
}

// MentionedPaths returns every dotted variable path a template mentions,
// in order, names it binds itself included: a superset of what it reads,
// where a path inside a for loop may be the loop's own variable. It
// answers questions such as "may this template read ids.unit or
// tenant.email?", where a false yes costs little and a false no is a bug.
// ok is false only when a tag, string or comment is left open.
func MentionedPaths(src string) (paths [][]string, ok bool) {
	tags, ok := splitTags(src)
	if !ok {
		return nil, false
	}
	for _, t := range tags {
		for i, tok := range t.tokens {
			if tok.path != nil && !t.isFilterName(i) {
				paths = append(paths, tok.path)
			}
		}
	}
	if paths == nil {
		paths = [][]string{}
	}
	return paths, true
}

// readScope tracks the names bound where a tag stands: the for and with
// blocks around it, and the names bound everywhere.
type readScope struct {
	global map[string]bool
	blocks []readBlock
}

// readBlock is an open for or with block and the names it binds.
type readBlock struct {
	tag   string
	names []string
}

// bound reports whether name is bound where the scope stands.
func (r *readScope) bound(name string) bool {
	if r.global[name] {
		return true
	}
	return slices.ContainsFunc(r.blocks, func(b readBlock) bool { return slices.Contains(b.names, name) })
}

// reads returns the paths tag t reads, and opens or closes the blocks it
// opens or closes.
func (r *readScope) reads(t tag) [][]string {
	var out [][]string
	for _, p := range t.reads() {
		if !r.bound(p[0]) {
			out = append(out, p)
		}
	}
	switch t.name {
	case "for":
		r.blocks = append(r.blocks, readBlock{"for", append(t.forNames(), "forloop")})
	case "with":
		r.blocks = append(r.blocks, readBlock{"with", t.withNames()})
	case "endfor", "endwith":
		if n := len(r.blocks); n > 0 && "end"+r.blocks[n-1].tag == t.name {
			r.blocks = r.blocks[:n-1]
		}
	}
	return out
}

// tag is one {{ }} or {% %} tag of a template: the block tag's name
// ("" for a variable tag) and the tokens of its expression.
type tag struct {
	name   string
	tokens []token
}

// token is one token of a tag's expression: a variable path (path set,
// text its first name), a keyword or other identifier that is no path
// (text only), or a symbol, string or number (text only, path nil).
type token struct {
	text  string
	path  []string
	ident bool // an identifier or path
}

// splitTags lexes src into its tags. Comments ({# #} and the comment
// tag) and verbatim blocks are skipped; the content of tags whose
// arguments are no expressions (templatetag, autoescape) is dropped. ok
// is false when a tag, string, comment or block is left open.
func splitTags(src string) ([]tag, bool) {
	var tags []tag
	for {
		open := strings.IndexByte(src, '{')
		if open < 0 || open+1 >= len(src) {
			return tags, true
		}
		switch src[open+1] {
		case '#':
			end := strings.Index(src[open+2:], "#}")
			if end < 0 {
				return nil, false
			}
			src = src[open+2+end+2:]
			continue
		case '{', '%':
		default:
			src = src[open+1:]
			continue
		}
		closing := src[open+1]
		if closing == '{' {
			closing = '}'
		}
		l := &tagLexer{src: src, pos: open + 2, closing: closing}
		t, ok := l.tag()
		if !ok {
			return nil, false
		}
		src = src[l.pos:]
		switch t.name {
		case "comment", "verbatim":
			rest, ok := skipBlock(src, "end"+t.name)
			if !ok {
				return nil, false
			}
			src = rest
			continue
		case "templatetag", "autoescape":
			t.tokens = nil
		}
		tags = append(tags, t)
	}
}

// skipBlock returns src after the {% end %} tag that closes a comment or
// verbatim block; ok is false when there is none.
func skipBlock(src, end string) (string, bool) {
	for {
		open := strings.Index(src, "{%")
		if open < 0 {
			return "", false
		}
		l := &tagLexer{src: src, pos: open + 2, closing: '%'}
		if l.tagName() == end {
			if close := strings.Index(src[l.pos:], "%}"); close >= 0 {
				return src[l.pos+close+2:], true
			}
			return "", false
		}
		src = src[open+2:]
	}
}

// tagLexer reads the expression of one tag, from pos up to the closing
// "}}" or "%}".
type tagLexer struct {
	src     string
	pos     int
	closing byte
}

// tag reads the tag: its name for a block tag, then its tokens, and
// leaves pos after it.
func (l *tagLexer) tag() (tag, bool) {
	var t tag
	if l.closing == '%' {
		t.name = l.tagName()
	}
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == l.closing && l.pos+1 < len(l.src) && l.src[l.pos+1] == '}':
			l.pos += 2
			return t, true
		case c == '-' && l.pos+2 < len(l.src) && l.src[l.pos+1] == l.closing && l.src[l.pos+2] == '}':
			l.pos++ // a whitespace control "-}}" or "-%}"
		case c == '"' || c == '\'':
			start := l.pos
			if !l.skipString(c) {
				return t, false
			}
			t.tokens = append(t.tokens, token{text: l.src[start:l.pos]})
		case isDigit(c):
			start := l.pos
			for l.pos < len(l.src) && (isDigit(l.src[l.pos]) || l.src[l.pos] == '.') {
				l.pos++
			}
			t.tokens = append(t.tokens, token{text: l.src[start:l.pos]})
		case isIdentByte(c, false):
			t.tokens = append(t.tokens, l.ident())
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			l.pos++
		default:
			t.tokens = append(t.tokens, token{text: l.src[l.pos : l.pos+1]})
			l.pos++
		}
	}
	return t, false
}

// tagName moves past the name of a {% %} tag (and a "-" of whitespace
// control before it) and returns it.
func (l *tagLexer) tagName() string {
	for l.pos < len(l.src) && strings.IndexByte("-+ \t\r\n", l.src[l.pos]) >= 0 {
		l.pos++
	}
	start := l.pos
	for l.pos < len(l.src) && isIdentByte(l.src[l.pos], l.pos > start) {
		l.pos++
	}
	return l.src[start:l.pos]
}

// ident reads an identifier and the dotted names after it. The path
// keeps the names up to the first numeric one; a keyword has no path.
func (l *tagLexer) ident() token {
	start := l.pos
	var path []string
	numeric := false
	for {
		s := l.pos
		for l.pos < len(l.src) && isIdentByte(l.src[l.pos], true) {
			l.pos++
		}
		name := l.src[s:l.pos]
		if name == "" || isDigit(name[0]) {
			numeric = true
		}
		if !numeric {
			path = append(path, name)
		}
		if l.pos+1 >= len(l.src) || l.src[l.pos] != '.' || !isIdentByte(l.src[l.pos+1], true) {
			break
		}
		l.pos++
	}
	tok := token{text: l.src[start:l.pos], ident: true}
	if !pongo2Keywords[path[0]] {
		tok.path = path
	}
	return tok
}

// skipString moves past a string literal opened by quote; false when it
// is not closed.
func (l *tagLexer) skipString(quote byte) bool {
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch l.src[l.pos] {
		case '\\':
			l.pos++
		case quote:
			l.pos++
			return true
		}
	}
	return false
}

// reads returns the paths the tag's expression reads, before the names
// the tag binds are taken out: not the names a tag binds, not filter
// names (after "|", and the filter tag's first), and not the keywords of
// for (reversed, sorted) and cycle (silent).
func (t tag) reads() [][]string {
	skip := t.boundTokens()
	var out [][]string
	for i, tok := range t.tokens {
		if tok.path == nil || skip[i] || t.isFilterName(i) {
			continue
		}
		out = append(out, tok.path)
	}
	return out
}

// isFilterName reports whether token i names a filter: it follows "|",
// or it is the first of a filter tag.
func (t tag) isFilterName(i int) bool {
	return i > 0 && t.tokens[i-1].text == "|" || i == 0 && t.name == "filter"
}

// boundTokens marks, by index, the tokens that name what the tag binds
// or that are its keywords.
func (t tag) boundTokens() map[int]bool {
	out := map[int]bool{}
	toks := t.tokens
	switch t.name {
	case "for":
		for i := 0; i < len(toks) && toks[i].text != "in"; i++ {
			out[i] = true
		}
		for i := len(toks) - 1; i > 0 && (toks[i].text == "reversed" || toks[i].text == "sorted") && toks[i-1].text != "|"; i-- {
			out[i] = true
		}
	case "with":
		for i, tok := range toks {
			if i+1 < len(toks) && toks[i+1].text == "=" && tok.ident || i > 0 && toks[i-1].text == "as" {
				out[i] = true
			}
		}
	case "set":
		if len(toks) > 0 {
			out[0] = true
		}
	case "cycle", "widthratio":
		for i := range toks {
			if i > 0 && (toks[i-1].text == "as" || out[i-1]) {
				out[i] = true // the name and "silent"
			}
		}
	}
	return out
}

// forNames returns the variables of a for loop.
func (t tag) forNames() []string {
	var out []string
	for _, tok := range t.tokens {
		if tok.text == "in" {
			break
		}
		if tok.ident {
			out = append(out, tok.text)
		}
	}
	return out
}

// withNames returns the names a with tag binds.
func (t tag) withNames() []string {
	var out []string
	bound := t.boundTokens()
	for i, tok := range t.tokens {
		if bound[i] {
			out = append(out, tok.text)
		}
	}
	return out
}

// setNames returns the names that a set, cycle or widthratio tag binds.
func (t tag) setNames() []string {
	switch t.name {
	case "set", "cycle", "widthratio":
	default:
		return nil
	}
	var out []string
	bound := t.boundTokens()
	for i, tok := range t.tokens {
		if bound[i] && tok.ident && tok.text != "silent" {
			out = append(out, tok.text)
		}
	}
	return out
}

// isIdentByte reports whether c may stand in an identifier: a letter or
// "_", or inside one also a digit.
func isIdentByte(c byte, inside bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || inside && isDigit(c)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
