package jsonvalue

import (
	"strconv"
	"unsafe"
)

// FindRaw returns the bytes of the value at path in data, which must hold
// one JSON value: path steps are object member names, or indexes into
// arrays. found is false when a step is missing. The whole of data is
// checked to be JSON, yet nothing but the result is copied or decoded,
// so it is the cheap way to take one field out of a large answer. As with
// Decode, a member repeated in an object counts with its last value.
func FindRaw(data []byte, path []string) (raw []byte, found bool, err error) {
	// The decoder reads data in place: nothing it reads outlives the call,
	// and keys with escapes are built in its own buffer.
	d := decoder{data: unsafe.String(unsafe.SliceData(data), len(data))}
	d.space()
	start, end, found, err := d.find(path)
	if err != nil {
		return nil, false, err
	}
	d.space()
	if d.pos < len(d.data) {
		return nil, false, d.unexpected("after the top-level value")
	}
	if !found {
		return nil, false, nil
	}
	return data[start:end], true, nil
}

// find checks the value at d.pos and moves past it, like skip, and on the
// way notes where the value at path inside it begins and ends: one pass,
// so that the document is read once whatever the path.
func (d *decoder) find(path []string) (start, end int, found bool, err error) {
	if len(path) == 0 {
		start = d.pos
		err = d.skip()
		return start, d.pos, err == nil, err
	}
	if d.pos >= len(d.data) {
		return 0, 0, false, d.unexpected("")
	}
	step, rest := path[0], path[1:]
	switch d.data[d.pos] {
	case '{':
		err = d.members(func(key string) error {
			if key != step {
				return d.skip()
			}
			var err error
			start, end, found, err = d.find(rest) // the last one counts
			return err
		})
	case '[':
		index, aerr := strconv.Atoi(step)
		if aerr != nil {
			index = -1
		}
		i := -1
		err = d.elements(func() error {
			if i++; i != index {
				return d.skip()
			}
			var err error
			start, end, found, err = d.find(rest)
			return err
		})
	default:
		err = d.skip()
	}
	return start, end, found && err == nil, err
}

// skip checks the value at d.pos and moves past it without building it.
func (d *decoder) skip() error {
	if d.pos >= len(d.data) {
		return d.unexpected("")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.skipObject()
	case c == '[':
		return d.skipArray()
	case c == '"':
		return d.skipString()
	case c == '-' || c >= '0' && c <= '9':
		return d.scanNumber()
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	}
	return d.unexpected("looking for beginning of value")
}

func (d *decoder) skipObject() error {
	return d.members(func(string) error { return d.skip() })
}

func (d *decoder) skipArray() error {
	return d.elements(d.skip)
}

// skipString checks a string and moves past it. Only a string with
// escapes is built (in the decoder's buffer, then copied once).
func (d *decoder) skipString() error {
	_, err := d.string()
	return err
}
