// Package jsonvalue decodes JSON documents into plain Go values, the way
// encoding/json decodes into an interface{} with UseNumber: objects become
// map[string]any, arrays []any, numbers json.Number, strings string,
// booleans bool and null nil. It gives the same values as encoding/json
// (invalid UTF-8 and lone surrogates become U+FFFD, a repeated member
// keeps its last value) in one pass over the bytes, without reflection,
// which makes it several times faster on the small objects of an API.
//
// Unlike json.Decoder.Decode, Decode refuses anything but white space after
// the value. DecodeChecked also reports where a string was not clean text
// (see Flaw), so that a caller can refuse what Decode silently repairs.
package jsonvalue

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting accepted, as in encoding/json.
const maxDepth = 10000

// SyntaxError is a document that is not JSON; Offset is the byte at which
// it stops being JSON.
type SyntaxError struct {
	Offset int
	msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s (at byte %d)", e.msg, e.Offset)
}

// Reason is what is wrong, without the offset, for messages that give
// the position their own way (line and column).
func (e *SyntaxError) Reason() string { return e.msg }

// Decode parses data, which must hold exactly one JSON value with optional
// white space around it.
//
// Strings and numbers share the memory of one copy of data, so a value
// kept keeps that copy alive; decode documents of a bounded size (pages,
// answers), not whole exports.
func Decode(data []byte) (any, error) {
	d := decoder{data: string(data)}
	return d.document()
}

// document reads the one value of the document, with optional white
// space around it.
func (d *decoder) document() (any, error) {
	d.space()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.space()
	if d.pos < len(d.data) {
		return nil, d.unexpected("after the top-level value")
	}
	return v, nil
}

// decoder reads one document.
type decoder struct {
	data  string
	pos   int
	key   int // where the key of the member being read starts
	depth int
	buf   []byte // scratch for strings with escapes
	sizes [8]int // by depth: the size of the last object or array (sizeHint)

	checked bool     // report flaws (DecodeChecked)
	flaw    FlawKind // of the string being read
	flaws   []Flaw
}

func (d *decoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: d.pos, msg: fmt.Sprintf(format, args...)}
}

// unexpected reports the byte at the current position, or the end.
func (d *decoder) unexpected(context string) error {
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end of JSON input")
	}
	return d.errorf("invalid character %s %s", quoteByte(d.data[d.pos]), context)
}

func quoteByte(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// value reads the value at the current position; white space before it
// is already skipped.
func (d *decoder) value() (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.unexpected("")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		s, err := d.string()
		if err != nil {
			return nil, err
		}
		return s, nil
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, d.unexpected("looking for beginning of value")
}

func (d *decoder) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != word[i] {
			return d.unexpected("in literal " + word + " (expecting '" + word[i:i+1] + "')")
		}
		d.pos++
	}
	return nil
}

func (d *decoder) enter() error {
	if d.depth++; d.depth > maxDepth {
		return d.errorf("exceeded max depth")
	}
	return nil
}

func (d *decoder) object() (any, error) {
	at := d.depth
	m := make(map[string]any, d.sizeHint(at))
	err := d.members(func(key string) error {
		v, err := d.value()
		m[key] = v
		return err
	})
	if err != nil {
		return nil, err
	}
	d.noteSize(at, len(m))
	return m, nil
}

func (d *decoder) array() (any, error) {
	at := d.depth
	list := make([]any, 0, max(d.sizeHint(at), 4))
	err := d.elements(func() error {
		v, err := d.value()
		list = append(list, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.noteSize(at, len(list))
	return list, nil
}

// sizeHint is the size of the last object or array that ended at depth:
// the records of a page have the same fields, so each map is made as
// large as the one before, without growing.
func (d *decoder) sizeHint(depth int) int {
	if depth < len(d.sizes) {
		return d.sizes[depth]
	}
	return 0
}

func (d *decoder) noteSize(depth, n int) {
	if depth < len(d.sizes) {
		d.sizes[depth] = min(n, maxSizeHint)
	}
}

// maxSizeHint bounds a hint, so that one huge object does not make all
// that follow it huge.
const maxSizeHint = 64

// members reads the object at d.pos: member is called with each key, at
// the start of its value, and must move past the value.
func (d *decoder) members(member func(key string) error) error {
	if err := d.enter(); err != nil {
		return err
	}
	d.pos++ // {
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return d.unexpected("looking for beginning of object key string")
		}
		n := len(d.flaws)
		d.key = d.pos
		key, err := d.string()
		if err != nil {
			return err
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return d.unexpected("after object key")
		}
		d.pos++
		d.space()
		if err := member(key); err != nil {
			return err
		}
		if len(d.flaws) > n {
			d.within(n, key)
		}
		if done, err := d.next('}', "after object key:value pair"); done || err != nil {
			return err
		}
	}
}

// elements reads the array at d.pos: element is called at the start of
// each element and must move past it.
func (d *decoder) elements(element func() error) error {
	if err := d.enter(); err != nil {
		return err
	}
	d.pos++ // [
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for i := 0; ; i++ {
		n := len(d.flaws)
		if err := element(); err != nil {
			return err
		}
		if len(d.flaws) > n {
			d.withinIndex(n, i)
		}
		if done, err := d.next(']', "after array element"); done || err != nil {
			return err
		}
	}
}

// next moves past the comma before the next member or element, or past
// the closing bracket; done reports the closing bracket.
func (d *decoder) next(closing byte, context string) (done bool, err error) {
	d.space()
	if d.pos >= len(d.data) {
		return false, d.unexpected("")
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		d.space()
		return false, nil
	case closing:
		d.pos++
		d.depth--
		return true, nil
	}
	return false, d.unexpected(context)
}

// number reads a number by the JSON grammar and keeps its text.
func (d *decoder) number() (any, error) {
	start := d.pos
	if err := d.scanNumber(); err != nil {
		return nil, err
	}
	return json.Number(d.data[start:d.pos]), nil
}

// scanNumber moves past a number, checking it against the JSON grammar.
func (d *decoder) scanNumber() error {
	if d.data[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos >= len(d.data):
		return d.unexpected("")
	case d.data[d.pos] == '0':
		d.pos++
	case d.data[d.pos] >= '1' && d.data[d.pos] <= '9':
		d.digits()
	default:
		return d.unexpected("in numeric literal")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if !d.digits() {
			return d.unexpected("after decimal point in numeric literal")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if !d.digits() {
			return d.unexpected("in exponent of numeric literal")
		}
	}
	return nil
}

// digits skips decimal digits and reports whether there was one.
func (d *decoder) digits() bool {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}

// string reads a quoted string. Text without escapes and with valid
// UTF-8 is a slice of the document; anything else takes the slow path.
func (d *decoder) string() (string, error) {
	d.pos++ // "
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			return s, nil
		case c == '\\' || c < 0x20:
			return d.slowString(start)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return d.slowString(start)
			}
			d.pos += size
			continue
		}
		d.pos++
	}
	return "", d.unexpected("")
}

// slowString finishes a string with escapes, control characters or bytes
// beyond ASCII, from its first byte at start.
func (d *decoder) slowString(start int) (string, error) {
	out := append(d.buf[:0], d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			d.buf = out
			d.noteFlaw()
			return string(out), nil
		case c == 0 && d.checked:
			d.flaw |= FlawNUL
			d.pos++
		case c < 0x20:
			return "", d.errorf("invalid character %s in string literal", quoteByte(c))
		case c == '\\':
			var err error
			if out, err = d.escape(out); err != nil {
				return "", err
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.pos++
		default:
			r, size := utf8.DecodeRuneInString(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				d.flaw |= FlawUTF8
			}
			d.pos += size
			out = utf8.AppendRune(out, r) // an invalid byte is U+FFFD
		}
	}
	return "", d.unexpected("")
}

// escape appends the character of the escape sequence at d.pos.
func (d *decoder) escape(out []byte) ([]byte, error) {
	d.pos++ // backslash
	if d.pos >= len(d.data) {
		return nil, d.unexpected("")
	}
	c := d.data[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		return append(out, c), nil
	case 'b':
		return append(out, '\b'), nil
	case 'f':
		return append(out, '\f'), nil
	case 'n':
		return append(out, '\n'), nil
	case 'r':
		return append(out, '\r'), nil
	case 't':
		return append(out, '\t'), nil
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return nil, err
		}
		if utf16.IsSurrogate(r) {
			// A pair is one character; anything else is U+FFFD and the
			// next escape is read on its own.
			if r2, ok := d.peekU4(); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					d.pos += 6
					return utf8.AppendRune(out, dec), nil
				}
			}
			r = utf8.RuneError
			d.flaw |= FlawSurrogate
		}
		if r == 0 && d.checked {
			d.flaw |= FlawNUL
			return out, nil
		}
		return utf8.AppendRune(out, r), nil
	}
	d.pos--
	return nil, d.unexpected("in string escape code")
}

// hex4 reads the four hex digits of a \u escape.
func (d *decoder) hex4() (rune, error) {
	var r rune
	for range 4 {
		if d.pos >= len(d.data) {
			return 0, d.unexpected("")
		}
		h, ok := hexValue(d.data[d.pos])
		if !ok {
			return 0, d.unexpected("in \\u hexadecimal character escape")
		}
		r = r<<4 | h
		d.pos++
	}
	return r, nil
}

// peekU4 reads a \uXXXX escape at d.pos without moving.
func (d *decoder) peekU4() (rune, bool) {
	if len(d.data)-d.pos < 6 || d.data[d.pos] != '\\' || d.data[d.pos+1] != 'u' {
		return 0, false
	}
	var r rune
	for i := d.pos + 2; i < d.pos+6; i++ {
		h, ok := hexValue(d.data[i])
		if !ok {
			return 0, false
		}
		r = r<<4 | h
	}
	return r, true
}

func hexValue(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10), true
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10), true
	}
	return 0, false
}
