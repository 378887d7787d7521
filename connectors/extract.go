package connectors

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// path is a dotted path into decoded JSON ("data.tenants.items"): object
// keys, and array indexes written as numbers ("items.0.id"). The empty path
// is the value itself.
type path []string

// parsePath splits a dotted path; "" gives the empty path.
func parsePath(s string) path {
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

func (p path) String() string { return strings.Join(p, ".") }

// lookup returns the value at p, and false when some step is missing or
// the value there is not an object or array.
func (p path) lookup(v any) (any, bool) {
	for _, seg := range p {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
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

// records returns the objects at p. When a step that is not a number meets
// an array, the rest of the path applies to each element and the results
// are joined, so "data.units.edges.node" yields every edge's node. A null
// on the way gives no records. A missing key is an error, never an empty
// page: a wrong path must not pass for an empty listing.
func (p path) records(v any) ([]map[string]any, error) {
	var out []map[string]any
	err := p.collect(v, 0, &out)
	return out, err
}

func (p path) collect(v any, i int, out *[]map[string]any) error {
	for ; i < len(p); i++ {
		if arr, ok := v.([]any); ok {
			if _, err := strconv.Atoi(p[i]); err != nil {
				for _, el := range arr {
					if err := p.collect(el, i, out); err != nil {
						return err
					}
				}
				return nil
			}
		}
		next, ok := p[i : i+1].lookup(v)
		if !ok {
			if v == nil {
				return nil
			}
			return fmt.Errorf("the response has no %q at %q", p[i], p[:i].String())
		}
		v = next
	}
	return appendObjects(v, p, out)
}

// appendObjects adds v's objects to out: v is an array of objects, one
// object (a projected element), or null.
func appendObjects(v any, p path, out *[]map[string]any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		*out = append(*out, x)
		return nil
	case []any:
		for i, el := range x {
			obj, ok := el.(map[string]any)
			if !ok {
				return fmt.Errorf("element %d at %q is %s, not an object", i, p.String(), jsonvalue.Kind(el))
			}
			*out = append(*out, obj)
		}
		return nil
	}
	return fmt.Errorf("the value at %q is %s, not an array of objects", p.String(), jsonvalue.Kind(v))
}

// set stores value at p inside m, creating objects on the way. It fails
// when a step meets a value that is not an object.
func (p path) set(m map[string]any, value any) error {
	if len(p) == 0 {
		return fmt.Errorf("empty variable path")
	}
	for i, seg := range p[:len(p)-1] {
		next, ok := m[seg]
		if !ok || next == nil {
			child := map[string]any{}
			m[seg] = child
			m = child
			continue
		}
		child, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("cannot set %q: %q is %s, not an object", p.String(), p[:i+1].String(), jsonvalue.Kind(next))
		}
		m = child
	}
	m[p[len(p)-1]] = value
	return nil
}

// scalarText renders a JSON scalar as text: strings as they are, numbers
// exactly as written, booleans as true/false. Objects, arrays and null give
// false.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}
