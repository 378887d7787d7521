package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

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

// textAt is the scalar text at a dotted path of obj, "" when missing.
func textAt(obj map[string]any, path string) string {
	if path == "" {
		return ""
	}
	return jsonvalue.TextAt(obj, path)
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
