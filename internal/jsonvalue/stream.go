package jsonvalue

import "encoding/json"

// DecodeString is Decode of a string: strings and numbers of the value
// share the memory of s, so a value kept keeps s alive.
func DecodeString(s string) (any, error) {
	d := decoder{data: s}
	return d.document()
}

// Reader walks one JSON document part by part: it enters objects and
// arrays, and checks and skips the values it is not asked to decode, so
// that the parts of a large document can be decoded one at a time. It
// accepts and refuses what Decode does, with the same errors, offsets
// counting from the start of the document.
//
// Each method reads the value at the current position: white space
// before it is already skipped, and is skipped after it where the
// grammar goes on (between members and elements).
type Reader struct {
	d decoder
}

// NewReader reads data, which must hold exactly one JSON value with
// optional white space around it.
func NewReader(data string) *Reader {
	// checked: a raw NUL in a string is let through, as DecodeChecked
	// lets it through, for the decoding of the record to report it.
	r := &Reader{d: decoder{data: data, checked: true}}
	r.d.space()
	return r
}

// NewStrictReader is NewReader for a document read as Decode reads it: a
// NUL in a string is refused when raw and kept when escaped.
func NewStrictReader(data string) *Reader {
	r := &Reader{d: decoder{data: data}}
	r.d.space()
	return r
}

// KeyOffset is, inside a Members callback, the byte at which the key of
// the member being read starts (its opening quote).
func (r *Reader) KeyOffset() int { return r.d.key }

// Offset is the byte at which the reader stands: the start of the next
// value, or the end of the one just read.
func (r *Reader) Offset() int { return r.d.pos }

// Peek returns a sample of the kind of the next value without reading
// it, for Kind and type switches: an empty map[string]any or []any, "",
// json.Number("0"), false or nil. ok is false at the end of the document
// or at a byte that cannot start a value; reading the value then gives
// the error.
func (r *Reader) Peek() (sample any, ok bool) {
	if r.d.pos >= len(r.d.data) {
		return nil, false
	}
	switch c := r.d.data[r.d.pos]; {
	case c == '{':
		return map[string]any{}, true
	case c == '[':
		return []any{}, true
	case c == '"':
		return "", true
	case c == '-' || c >= '0' && c <= '9':
		return json.Number("0"), true
	case c == 't' || c == 'f':
		return false, true
	case c == 'n':
		return nil, true
	}
	return nil, false
}

// Members reads the object at the current position: member is called
// with each key, at the start of its value, and must read that value
// (with Skip, Value, Members or Elements).
func (r *Reader) Members(member func(key string) error) error {
	if r.d.pos >= len(r.d.data) || r.d.data[r.d.pos] != '{' {
		return r.d.unexpected("looking for beginning of object")
	}
	return r.d.members(member)
}

// Elements reads the array at the current position: element is called
// with each index, at the start of the element, and must read it.
func (r *Reader) Elements(element func(i int) error) error {
	if r.d.pos >= len(r.d.data) || r.d.data[r.d.pos] != '[' {
		return r.d.unexpected("looking for beginning of array")
	}
	i := 0
	return r.d.elements(func() error {
		err := element(i)
		i++
		return err
	})
}

// Skip checks the value at the current position and moves past it.
func (r *Reader) Skip() error { return r.d.skip() }

// Value decodes the value at the current position; its strings share
// the memory of the document.
func (r *Reader) Value() (any, error) { return r.d.value() }

// End checks that only white space follows the value read.
func (r *Reader) End() error {
	r.d.space()
	if r.d.pos < len(r.d.data) {
		return r.d.unexpected("after the top-level value")
	}
	return nil
}
