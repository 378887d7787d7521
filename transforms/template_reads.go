package transforms

import "strings"

// ReadPaths returns the dotted variable paths a template reads, in order:
// "{% if lease.active %}{{ lease.rent|decimal:2 }}{% endif %}" reads
// ["lease", "active"] and ["lease", "rent"]. Tag names, pongo2's keywords
// (pongo2Keywords) and filter names are not reads; variables given to
// filters are. ok is false when the template cannot be
// read this way: a tag or string left open, or a tag that binds names of
// its own (for, with, set, macro, import, include), after which a path's
// first name may not be a variable of the context.
func ReadPaths(src string) (paths [][]string, ok bool) {
	return readPaths(src, true)
}

// MentionedPaths returns every dotted variable path a template mentions,
// in order, also after tags that bind names of their own: a superset of
// what it reads, where a path inside a for loop may be the loop's own
// variable. It answers questions such as "may this template read ids.unit
// or tenant.email?", where a false yes costs little and a false no is a
// bug. ok is false only when a tag or string is left open.
func MentionedPaths(src string) (paths [][]string, ok bool) {
	return readPaths(src, false)
}

// readPaths scans src's tags; strict gives up at a tag that binds names.
func readPaths(src string, strict bool) (paths [][]string, ok bool) {
	for {
		open := strings.IndexByte(src, '{')
		if open < 0 || open+1 >= len(src) {
			return paths, true
		}
		var closing byte
		switch src[open+1] {
		case '{':
			closing = '}'
		case '%':
			closing = '%'
		case '#':
			end := strings.Index(src[open+2:], "#}")
			if end < 0 {
				return nil, false
			}
			src = src[open+2+end+2:]
			continue
		default:
			src = src[open+1:]
			continue
		}
		s := tagScanner{chainParser{src: src, pos: open + 2}, closing}
		if closing == '%' && bindsNames(s.tagName()) && strict {
			return nil, false
		}
		found, ok := s.scan()
		if !ok {
			return nil, false
		}
		paths = append(paths, found...)
		src = src[s.pos:]
	}
}

// bindsNames reports whether a tag of that name introduces variables.
func bindsNames(tag string) bool {
	switch tag {
	case "for", "with", "set", "macro", "import", "include":
		return true
	}
	return false
}

// tagScanner reads the expression of one tag, from pos up to the closing
// "}}" or "%}", with the identifiers and paths of the chain parser.
type tagScanner struct {
	chainParser
	closing byte
}

// tagName moves past the name of a {% %} tag, which is no read, and
// returns it.
func (s *tagScanner) tagName() string {
	for s.pos < len(s.src) && strings.IndexByte("-+ \t\r\n", s.src[s.pos]) >= 0 {
		s.pos++
	}
	return s.ident()
}

// scan collects the paths up to the end of the tag and leaves pos after
// it; ok is false when the tag or one of its strings is not closed.
func (s *tagScanner) scan() (paths [][]string, ok bool) {
	afterBar := false // the next identifier is a filter's name
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == s.closing && s.pos+1 < len(s.src) && s.src[s.pos+1] == '}':
			s.pos += 2
			return paths, true
		case c == '"' || c == '\'':
			if !s.skipString(c) {
				return nil, false
			}
			afterBar = false
		case c >= '0' && c <= '9':
			for s.pos < len(s.src) && (isDigit(s.src[s.pos]) || s.src[s.pos] == '.') {
				s.pos++
			}
			afterBar = false
		case isIdentByte(c, false):
			if path := s.path(); path != nil && !afterBar { // nil: a keyword
				paths = append(paths, path)
			}
			afterBar = false
		case c == '|':
			afterBar = true
			s.pos++
		default:
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				afterBar = false
			}
			s.pos++
		}
	}
	return nil, false
}

// skipString moves past a string literal opened by quote; false when it
// is not closed.
func (s *tagScanner) skipString(quote byte) bool {
	for s.pos++; s.pos < len(s.src); s.pos++ {
		switch s.src[s.pos] {
		case '\\':
			s.pos++
		case quote:
			s.pos++
			return true
		}
	}
	return false
}

// isIdentByte reports whether c may stand in an identifier: a letter or
// "_", or inside one also a digit.
func isIdentByte(c byte, inside bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || inside && isDigit(c)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
