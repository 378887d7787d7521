package specs

import "strings"

// graphqlVariables returns the variables a GraphQL document declares
// ("$t: TenantInput!" declares t). ok is false when src does not look like
// a GraphQL document (it has no selection set), in which case nothing can
// be checked. Strings and comments are skipped; a "$name" followed by ":"
// is a declaration, any other "$name" a use.
func graphqlVariables(src string) (vars map[string]bool, ok bool) {
	vars = map[string]bool{}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '#':
			i = skipLine(src, i)
		case '"':
			i = skipString(src, i)
		case '{':
			ok = true
		case '$':
			name, end := graphqlName(src, i+1)
			if name != "" && nextNonSpace(src, end) == ':' {
				vars[name] = true
			}
			i = end - 1
		}
	}
	return vars, ok
}

// skipLine returns the index of the end of the line holding i.
func skipLine(src string, i int) int {
	if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// skipString returns the index of the closing quote of the string (or
// block string) opening at i.
func skipString(src string, i int) int {
	if strings.HasPrefix(src[i:], `"""`) {
		if j := strings.Index(src[i+3:], `"""`); j >= 0 {
			return i + 3 + j + 2
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"', '\n':
			return j
		}
	}
	return len(src)
}

// graphqlName reads a GraphQL name starting at i and returns it with the
// index after it.
func graphqlName(src string, i int) (string, int) {
	j := i
	for j < len(src) && isNameByte(src[j], j == i) {
		j++
	}
	return src[i:j], j
}

// isNameByte reports whether c may appear in a GraphQL name.
func isNameByte(c byte, first bool) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9')
}

// nextNonSpace returns the first byte at or after i that is not white
// space or a comma, or 0 at the end.
func nextNonSpace(src string, i int) byte {
	for ; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\n', '\r', ',':
			continue
		}
		return src[i]
	}
	return 0
}
