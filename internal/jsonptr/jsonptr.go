// Package jsonptr builds and splits JSON pointers (RFC 6901), such as
// "/paths/~1units~1{id}/get". A pointer is a sequence of reference tokens,
// each written after a "/"; inside a token "~" is written "~0" and "/" is
// written "~1".
package jsonptr

import "strings"

var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// Escape returns token written as a reference token: "~" becomes "~0" and
// "/" becomes "~1". A token with neither is returned as it is.
func Escape(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return escaper.Replace(token)
}

// Unescape undoes Escape: "~1" becomes "/" and "~0" becomes "~", so "~01"
// is "~1". Any other "~" is kept as it is.
func Unescape(token string) string {
	if !strings.Contains(token, "~") {
		return token
	}
	return unescaper.Replace(token)
}

// Join appends tokens to the pointer base, each escaped and after a "/".
// Join("/paths", "/units") is "/paths/~1units"; an empty token adds a
// trailing "/".
func Join(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Split returns the unescaped reference tokens of pointer p. A leading "#"
// (the URI fragment form) is ignored; "" and "#" have no tokens, and "/"
// has one empty token.
func Split(p string) []string {
	p = strings.TrimPrefix(p, "#")
	if p == "" {
		return nil
	}
	tokens := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range tokens {
		tokens[i] = Unescape(t)
	}
	return tokens
}
