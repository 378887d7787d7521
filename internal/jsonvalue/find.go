package jsonvalue

import (
	"errors"
	"strconv"
)

// FindRaw returns the bytes of the value at path in data, which must hold
// one JSON value: path steps are object member names, or indexes into
// arrays. found is false when a step is missing. The whole of data is
// checked to be JSON, yet nothing but the result is copied or decoded,
// so it is the cheap way to take one field out of a large answer. As with
// Decode, a member repeated in an object counts with its last value.
func FindRaw(data []byte, path []string) (raw []byte, found bool, err error) {
	d := decoder{data: string(data)}
	d.space()
	if err := d.skip(); err != nil {
		return nil, false, err
	}
	d.space()
	if d.pos < len(d.data) {
		return nil, false, d.unexpected("after the top-level value")
	}
	d.pos, d.depth = 0, 0
	d.space()
	for _, step := range path {
		if !d.enterStep(step) {
			return nil, false, nil
		}
	}
	start := d.pos
	d.depth = 0
	_ = d.skip() // checked above
	return data[start:d.pos], true, nil
}

// enterStep moves to the value of step in the object or array at d.pos,
// which is known to be valid JSON; false when there is none.
func (d *decoder) enterStep(step string) bool {
	switch {
	case d.pos < len(d.data) && d.data[d.pos] == '{':
		return d.enterMember(step)
	case d.pos < len(d.data) && d.data[d.pos] == '[':
		i, err := strconv.Atoi(step)
		return err == nil && i >= 0 && d.enterElement(i)
	}
	return false
}

func (d *decoder) enterMember(name string) bool {
	at := -1
	_ = d.members(func(key string) error {
		if key == name {
			at = d.pos // the last one counts
		}
		return d.skip()
	})
	if at < 0 {
		return false
	}
	d.pos = at
	return true
}

func (d *decoder) enterElement(index int) bool {
	i := 0
	err := d.elements(func() error {
		if i == index {
			return errFound
		}
		i++
		return d.skip()
	})
	return err == errFound
}

// errFound stops a walk at the element looked for.
var errFound = errors.New("found")

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
		_, err := d.number()
		return err
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

// skipString checks a string without building it: escapes must be valid;
// invalid UTF-8 is allowed, as everywhere in encoding/json.
func (d *decoder) skipString() error {
	d.pos++ // "
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return nil
		case c < 0x20:
			return d.errorf("invalid character %s in string literal", quoteByte(c))
		case c == '\\':
			d.pos++
			if d.pos >= len(d.data) {
				return d.unexpected("")
			}
			switch d.data[d.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.pos++
			case 'u':
				d.pos++
				if _, err := d.hex4(); err != nil {
					return err
				}
			default:
				return d.unexpected("in string escape code")
			}
		default:
			d.pos++
		}
	}
	return d.unexpected("")
}
