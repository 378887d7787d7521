package connectors

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// TextMode says what the client does with an answer whose strings are
// not clean text: bytes that are not UTF-8, an escaped lone surrogate or a
// NUL character (see jsonvalue.Flaw). Such strings are repaired either
// way (U+FFFD for what is not UTF-8, NUL characters dropped).
type TextMode string

const (
	// TextFail refuses the record that holds such a string: Get, Lookup
	// and writes return a *TextError; a page reports the record in
	// Page.Flaws for the caller to fail it.
	TextFail TextMode = "fail"
	// TextReplace keeps the repaired record and logs a warning naming the
	// field; a page reports the record in Page.Flaws, for counting.
	TextReplace TextMode = "replace"
)

// TextError is a record refused because a string of it is not clean text
// and Config.InvalidText is TextFail.
type TextError struct {
	// Operation names the spec operation whose answer held the record.
	Operation string
	// Key is the record's key, when known.
	Key string
	// Flaws are the strings that were not clean text, by JSON pointer into
	// the record (into the answer, for a write).
	Flaws []jsonvalue.Flaw
}

func (e *TextError) Error() string {
	var b strings.Builder
	b.WriteString(e.Operation)
	if e.Key != "" {
		fmt.Fprintf(&b, ": record %q", e.Key)
	}
	fmt.Fprintf(&b, ": %s; fix the text in the system, or set the instance option invalidText to replace to accept it repaired", FlawText(e.Flaws))
	return b.String()
}

// FlawText describes flaws for a message, such as `field "/name" has
// invalid UTF-8, field "/note" has NUL`.
func FlawText(flaws []jsonvalue.Flaw) string {
	parts := make([]string, len(flaws))
	for i, f := range flaws {
		parts[i] = fmt.Sprintf("field %s has %s", strconv.Quote(cmp.Or(f.Pointer, "/")), f.Kind)
	}
	return strings.Join(parts, ", ")
}

// checkText applies the client's text mode to the flaws of a record read
// or written: a *TextError in fail mode, a warning in replace mode.
func (c *Client) checkText(ctx context.Context, op *operation, key string, flaws []jsonvalue.Flaw) error {
	if len(flaws) == 0 {
		return nil
	}
	if c.cfg.InvalidText != TextReplace {
		return &TextError{Operation: op.name, Key: key, Flaws: flaws}
	}
	c.log.WarnContext(ctx, "text that is not clean was repaired", "operation", op.name, "key", key, "fields", FlawText(flaws))
	return nil
}

// flawsOf sorts the flaws of a decoded answer by the record that holds
// them (its index in records), with pointers made relative to the record.
// Flaws outside every record are returned apart, as they were.
func flawsOf(body any, records []map[string]any, flaws []jsonvalue.Flaw) (map[int][]jsonvalue.Flaw, []jsonvalue.Flaw) {
	if len(flaws) == 0 {
		return nil, nil
	}
	index := make(map[uintptr]int, len(records))
	for i, r := range records {
		index[reflect.ValueOf(r).Pointer()] = i
	}
	by := map[int][]jsonvalue.Flaw{}
	var rest []jsonvalue.Flaw
	for _, f := range flaws {
		if i, rel, ok := recordOf(body, f.Pointer, index); ok {
			by[i] = append(by[i], jsonvalue.Flaw{Pointer: rel, Kind: f.Kind})
		} else {
			rest = append(rest, f)
		}
	}
	return by, rest
}

// recordOf follows pointer from v to the first record on the way, and
// returns its index and the rest of the pointer.
func recordOf(v any, pointer string, index map[uintptr]int) (int, string, bool) {
	var tokens []string // escaped, as in the pointer
	if pointer != "" {
		tokens = strings.Split(pointer[1:], "/")
	}
	for k := 0; ; k++ {
		if m, ok := v.(map[string]any); ok {
			if i, ok := index[reflect.ValueOf(m).Pointer()]; ok {
				return i, strings.Join(append([]string{""}, tokens[k:]...), "/"), true
			}
		}
		if k == len(tokens) {
			return 0, "", false
		}
		token := strings.NewReplacer("~1", "/", "~0", "~").Replace(tokens[k])
		switch x := v.(type) {
		case map[string]any:
			v = x[token]
		case []any:
			n, err := strconv.Atoi(token)
			if err != nil || n < 0 || n >= len(x) {
				return 0, "", false
			}
			v = x[n]
		default:
			return 0, "", false
		}
	}
}
