package specs

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// yamlReadable returns JSON data in a form the YAML parser of kin-openapi
// reads with the same values, lines and columns. YAML refuses the escape
// of a UTF-16 surrogate, which JSON uses for characters beyond U+FFFF: a
// pair ("\ud83d\udc4d") becomes the one escape YAML has for its character
// ("\U0001f44d"), and the two columns saved are given back as spaces
// after the string's closing quote; a lone surrogate becomes "\ufffd",
// the character JSON decoders read it as. Data with no such escape is
// returned as it is.
//
// Without this, kin-openapi falls back to its JSON decoder, which loads
// the document but records no origins (line and column) in it.
func yamlReadable(data []byte) []byte {
	if !hasSurrogateEscape(data) {
		return data
	}
	out := make([]byte, 0, len(data))
	inString, pad := false, 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"' && inString:
			out = append(out, c)
			out = append(out, bytes.Repeat([]byte(" "), pad)...)
			inString, pad = false, 0
		case c == '"':
			out = append(out, c)
			inString = true
		case c == '\\' && inString && i+1 < len(data):
			n, saved := yamlEscape(data[i:], &out)
			i += n - 1
			pad += saved
		default:
			out = append(out, c)
		}
	}
	return out
}

// yamlEscape appends to out the YAML form of the escape that starts esc
// and returns how many bytes of esc it read and how many fewer it wrote.
func yamlEscape(esc []byte, out *[]byte) (read, saved int) {
	r, ok := hexEscape(esc)
	if !ok || !utf16.IsSurrogate(r) {
		*out = append(*out, esc[:2]...)
		return 2, 0
	}
	if r2, ok := hexEscape(esc[6:]); ok {
		if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
			*out = fmt.Appendf(*out, `\U%08x`, pair)
			return 12, 2
		}
	}
	*out = append(*out, `\ufffd`...)
	return 6, 0
}

// documentStart is the YAML document marker markRoot writes before the
// root object.
const documentStart = "--- "

// markRoot writes the YAML document marker before the "{" that opens a
// JSON document when nothing follows it on its line. The marker tells the
// YAML parser that the object cannot be the key of a mapping; without it,
// the parser of kin-openapi keeps every token of the document queued
// until the closing "}" (270,000 tokens and 140 MB for a 3.4 MB
// document). Only the "{" moves, which no origin records: the root's is
// that of its first key, on a later line.
func markRoot(data []byte) []byte {
	start := len(data) - len(bytes.TrimLeft(bytes.TrimPrefix(data, byteOrderMark), " \t\r\n"))
	if start >= len(data) || data[start] != '{' {
		return data
	}
	rest, _, _ := bytes.Cut(data[start+1:], []byte("\n"))
	if len(bytes.TrimSpace(rest)) > 0 {
		return data
	}
	out := make([]byte, 0, len(data)+len(documentStart))
	return append(append(append(out, data[:start]...), documentStart...), data[start:]...)
}

// unmarkRoot returns data without the mark markRoot adds, or data when it
// has none.
func unmarkRoot(data []byte) []byte {
	start := len(data) - len(bytes.TrimLeft(bytes.TrimPrefix(data, byteOrderMark), " \t\r\n"))
	if !bytes.HasPrefix(data[start:], []byte(documentStart)) {
		return data
	}
	out := make([]byte, 0, len(data)-len(documentStart))
	return append(append(out, data[:start]...), data[start+len(documentStart):]...)
}

// hexEscape reads the \uXXXX escape at the start of b.
func hexEscape(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	r, err := strconv.ParseUint(string(b[2:6]), 16, 16)
	return rune(r), err == nil
}

// hasSurrogateEscape reports whether data may hold the escape of a
// surrogate ("\ud800" to "\udfff", in either case). It may say yes for an
// escaped backslash followed by such text; yamlReadable then changes
// nothing.
func hasSurrogateEscape(data []byte) bool {
	for {
		i := bytes.Index(data, []byte(`\u`))
		if i < 0 || i+4 > len(data) {
			return false
		}
		if d, x := data[i+2], data[i+3]; (d == 'd' || d == 'D') && bytes.IndexByte([]byte("89abcdefABCDEF"), x) >= 0 {
			return true
		}
		data = data[i+2:]
	}
}
