package scaffold

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/specs"
)

// overlay is the simple form the generator writes: extends, the members
// merged into the vendor's document (operationIds it lacks, corrections
// of its faults) and the x-sync, in that order.
type overlay struct {
	Extends string
	// Patch holds the members merged into the vendor's document, other
	// than x-sync; nil (JSON null) deletes a member.
	Patch map[string]any
	Sync  *specs.Sync
}

// MarshalJSON writes extends first, the patch's members by name, then
// x-sync.
func (o *overlay) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	member := func(name string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(name)
		b.Write(key)
		b.WriteByte(':')
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // the newline Encode ends with
		return nil
	}
	if err := member("extends", o.Extends); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(o.Patch)) {
		if err := member(k, o.Patch[k]); err != nil {
			return nil, err
		}
	}
	if err := member("x-sync", o.Sync); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// set sets the value at pointer of the vendor's document raw (nil deletes
// it) in the patch, and reports whether that changed the patch. The
// simple form merges objects but replaces arrays, so a pointer into an
// array replaces the array by a copy of raw's with the change made.
func (o *overlay) set(pointer string, value any, raw any) bool {
	if o.Patch == nil {
		o.Patch = map[string]any{}
	}
	node, tokens := o.Patch, jsonptr.Split(pointer)
	for i, tok := range tokens {
		if i == len(tokens)-1 {
			return setMember(node, tok, value)
		}
		raw, _ = child(raw, tok)
		if list, ok := raw.([]any); ok {
			copied, ok := node[tok].([]any)
			if !ok {
				copied = deepCopy(list).([]any)
				node[tok] = copied
			}
			return setInside(copied, tokens[i+1:], value)
		}
		next, ok := node[tok].(map[string]any)
		if !ok {
			if _, taken := node[tok]; taken {
				return false // deleted or replaced already
			}
			next = map[string]any{}
			node[tok] = next
		}
		node = next
	}
	return false
}

// setMember sets (nil: deletes, by a JSON null) member tok of a patch
// object, unless it is set so already.
func setMember(node map[string]any, tok string, value any) bool {
	if old, ok := node[tok]; ok && reflect.DeepEqual(old, value) {
		return false
	}
	node[tok] = value
	return true
}

// setInside sets (nil: deletes) the value at tokens inside v, a copy of
// the vendor's value that the patch replaces it by.
func setInside(v any, tokens []string, value any) bool {
	for i, tok := range tokens {
		if i < len(tokens)-1 {
			next, ok := child(v, tok)
			if !ok {
				return false
			}
			v = next
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			old, ok := v[tok]
			if value == nil {
				delete(v, tok)
				return ok
			}
			v[tok] = value
			return !ok || !reflect.DeepEqual(old, value)
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) || value == nil {
				return false
			}
			v[i] = value
			return true
		}
	}
	return false
}

// deepCopy copies the maps and arrays of a plain JSON value.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			out[k] = deepCopy(c)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = deepCopy(c)
		}
		return out
	}
	return v
}
