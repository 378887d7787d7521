package jsonvalue

import (
	"encoding/json"
	"fmt"
)

// Kind names the JSON type of a decoded value for messages: "null",
// "an object", "an array", "a string", "a number" (json.Number, float64,
// int or int64) or "a boolean". Any other value is named by its Go type,
// as in "a []string".
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number, float64, int, int64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("a %T", v)
}
