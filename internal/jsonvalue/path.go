package jsonvalue

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Path is a dotted path into a decoded JSON value ("data.tenants.items"):
// object member names, and array indexes written as numbers
// ("items.0.id"). The empty path is the value itself.
type Path []string

// ParsePath splits a dotted path; "" gives the empty path.
func ParsePath(s string) Path {
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

// String joins the path with dots.
func (p Path) String() string { return strings.Join(p, ".") }

// Lookup returns the value at p in v, and false when a step is missing or
// meets a value that is neither an object nor an array (or an index out
// of its array's range). A member that holds null is found, with v nil.
func (p Path) Lookup(v any) (any, bool) {
	for _, step := range p {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[step]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// Lookup returns the value at a dotted path in v, as ParsePath(path).Lookup(v).
func Lookup(v any, path string) (any, bool) {
	return ParsePath(path).Lookup(v)
}

// TextAt is the scalar text (see Text) at a dotted path of v; "" when
// the path is missing or leads to null, an object or an array.
func TextAt(v any, path string) string {
	found, _ := Lookup(v, path)
	s, _ := Text(found)
	return s
}

// Text renders a decoded JSON scalar as text: a string as it is, a
// number in shortest decimal notation without exponent (json.Number
// keeps its text exactly), a boolean as true or false. Null, objects,
// arrays and any other value give "" and false.
func Text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}
