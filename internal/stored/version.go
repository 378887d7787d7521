package stored

import "strings"

// Version is the format version a kind of stored value is marked with
// ("v1"). It is a word without spaces.
type Version string

// Mark returns data marked with v: the value to store.
func (v Version) Mark(data string) string {
	return string(v) + " " + data
}

// Append appends the mark of v to b, for a value built in a buffer; the
// data follows.
func (v Version) Append(b []byte) []byte {
	return append(append(b, v...), ' ')
}

// Open returns the data of value, which is marked with v; ok is false
// when it is not (Refuse then says so).
func (v Version) Open(value string) (data string, ok bool) {
	version, data, found := strings.Cut(value, " ")
	if !found || version != string(v) {
		return "", false
	}
	return data, true
}

// Refuse returns the error of value, which is not marked with v: what
// names the value and where it is, remedy says how to do without it.
func (v Version) Refuse(value, what, remedy string) *FormatError {
	word, _, _ := strings.Cut(value, " ")
	return &FormatError{Value: what, Found: versionOf(word), Want: string(v), Remedy: remedy}
}

// versionOf is s when it looks like a format version ("v2"), else "".
func versionOf(s string) string {
	digits := strings.TrimPrefix(s, "v")
	if len(digits) == len(s) || len(digits) == 0 || len(digits) > 9 || strings.Trim(digits, "0123456789") != "" {
		return ""
	}
	return s
}
