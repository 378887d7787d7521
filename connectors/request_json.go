package connectors

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// encodeJSON writes v as json.Encoder with SetEscapeHTML(false) does,
// newline included. Bodies made of plain JSON values (maps, lists, text,
// booleans, null, json.Number) are written
// directly, without reflection; anything else goes through encoding/json,
// so the bytes (and errors) are always those of encoding/json.
func encodeJSON(buf *bytes.Buffer, v any) error {
	out, ok := appendPlain(buf.AvailableBuffer(), v)
	if ok {
		out = append(out, '\n')
		buf.Write(out)
		return nil
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// appendPlain appends v; ok is false when v needs encoding/json.
func appendPlain(out []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(out, "null"...), true
	case bool:
		if x {
			return append(out, "true"...), true
		}
		return append(out, "false"...), true
	case string:
		return jsonvalue.AppendString(out, x), true
	case json.Number:
		if !plainNumber(string(x)) {
			return out, false
		}
		return append(out, x...), true
	case []any:
		return appendPlainList(out, x)
	case map[string]any:
		return appendPlainObject(out, x)
	}
	return out, false
}

func appendPlainList(out []byte, list []any) ([]byte, bool) {
	out = append(out, '[')
	for i, e := range list {
		if i > 0 {
			out = append(out, ',')
		}
		var ok bool
		if out, ok = appendPlain(out, e); !ok {
			return out, false
		}
	}
	return append(out, ']'), true
}

// appendPlainObject writes the members sorted by key, as encoding/json
// does.
func appendPlainObject(out []byte, m map[string]any) ([]byte, bool) {
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out = append(out, '{')
	for i, k := range keys {
		if i > 0 {
			out = append(out, ',')
		}
		var ok bool
		out = append(jsonvalue.AppendString(out, k), ':')
		if out, ok = appendPlain(out, m[k]); !ok {
			return out, false
		}
	}
	return append(out, '}'), true
}

// plainNumber reports whether s is a JSON number as encoding/json writes
// it unchanged (an empty json.Number, written as 0, is left to it).
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		if i = digits(s, i+1); s[i-1] == '.' {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

// digits returns the index after the digits starting at i.
func digits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
