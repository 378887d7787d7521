package jsonvalue

import (
	"strconv"
	"strings"
)

// Flaw is a string of a document that was not clean text: it held bytes
// that are not UTF-8, an escaped lone surrogate, or a NUL character.
// DecodeChecked reports one Flaw per such string, after repairing it.
type Flaw struct {
	// Pointer is the JSON pointer (RFC 6901) of the string in the value
	// decoded: of a member's or element's value, or of the member itself
	// when the flaw is in its name.
	Pointer string
	// Kind says what was wrong; one string may have several.
	Kind FlawKind
}

// FlawKind is a set of the ways a string was not clean text.
type FlawKind uint8

// Kinds of Flaw, with the repair DecodeChecked made.
const (
	// FlawUTF8: bytes that are not UTF-8, each replaced with U+FFFD.
	FlawUTF8 FlawKind = 1 << iota
	// FlawSurrogate: a \u escape of half a surrogate pair, replaced with
	// U+FFFD.
	FlawSurrogate
	// FlawNUL: a NUL character, raw or escaped as \u0000, dropped.
	FlawNUL
)

// String names the kinds, such as "invalid UTF-8 and NUL".
func (k FlawKind) String() string {
	var names []string
	for _, n := range []struct {
		k    FlawKind
		name string
	}{{FlawUTF8, "invalid UTF-8"}, {FlawSurrogate, "a lone surrogate escape"}, {FlawNUL, "NUL"}} {
		if k&n.k != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, " and ")
}

// DecodeChecked is Decode that also reports the strings that were not
// clean text (see Flaw), in document order, after repairing them: invalid
// UTF-8 and lone surrogates become U+FFFD, as Decode makes them, and NUL
// characters are dropped. Unlike Decode, it accepts a raw NUL byte inside
// a string (which JSON forbids), so that one bad field does not make a
// whole page unreadable.
func DecodeChecked(data []byte) (any, []Flaw, error) {
	d := decoder{data: string(data), checked: true}
	v, err := d.document()
	if err != nil {
		return nil, nil, err
	}
	return v, d.flaws, nil
}

// DecodeStringChecked is DecodeChecked of a string.
func DecodeStringChecked(s string) (any, []Flaw, error) {
	d := decoder{data: s, checked: true}
	v, err := d.document()
	if err != nil {
		return nil, nil, err
	}
	return v, d.flaws, nil
}

// noteFlaw records the flaws of the string just read, if any.
func (d *decoder) noteFlaw() {
	if d.flaw != 0 && d.checked {
		d.flaws = append(d.flaws, Flaw{Kind: d.flaw})
	}
	d.flaw = 0
}

// within puts step in front of the pointers of the flaws from n on: they
// were found in the value of member or element step.
func (d *decoder) within(n int, step string) {
	token := "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(step)
	for i := n; i < len(d.flaws); i++ {
		d.flaws[i].Pointer = token + d.flaws[i].Pointer
	}
}

// withinIndex is within for an array element.
func (d *decoder) withinIndex(n, index int) {
	d.within(n, strconv.Itoa(index))
}
