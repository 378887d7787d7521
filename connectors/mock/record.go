package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// lookup returns the value at a dotted path ("meta.externalId") in v. An
// empty path is v itself.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, v != nil
	}
	for part := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, v != nil
}

// setPath stores value at a dotted path in obj, creating the objects on the
// way and replacing non-objects found there. An empty path is refused by the
// callers; here it is a no-op.
func setPath(obj map[string]any, path string, value any) {
	if path == "" {
		return
	}
	parts := strings.Split(path, ".")
	for _, part := range parts[:len(parts)-1] {
		next, ok := obj[part].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[part] = next
		}
		obj = next
	}
	obj[parts[len(parts)-1]] = value
}

// lastSegment is the last element of a dotted path.
func lastSegment(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}

// parentPath is a dotted path without its last element ("" for one element).
func parentPath(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return ""
	}
	return path[:i]
}

// scalarText renders a JSON scalar as text; objects, arrays and null are "".
func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// textAt is the scalar text at a dotted path, "" when missing.
func textAt(obj map[string]any, path string) string {
	if path == "" {
		return ""
	}
	v, _ := lookup(obj, path)
	return scalarText(v)
}

// decodeJSON decodes one JSON value, keeping numbers as json.Number so that
// amounts keep their exact text.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

// decodeObject decodes a JSON object.
func decodeObject(data []byte) (map[string]any, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a JSON object, got %s", jsonvalue.Kind(v))
	}
	return m, nil
}
