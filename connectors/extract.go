package connectors

import (
	"fmt"
	"strconv"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// records returns the objects at p in v. When a step of p that is not a
// number meets an array, the rest of the path applies to each element and
// the results are joined, so "data.units.edges.node" yields every edge's
// node. A null on the way gives no records. A missing key is an error,
// never an empty page: a wrong path must not pass for an empty listing.
func records(p jsonvalue.Path, v any) ([]map[string]any, error) {
	var out []map[string]any
	err := collect(p, v, 0, &out)
	return out, err
}

// collect adds the objects at p[i:] in v to out.
func collect(p jsonvalue.Path, v any, i int, out *[]map[string]any) error {
	for ; i < len(p); i++ {
		if arr, ok := v.([]any); ok && !isIndex(p[i]) {
			for _, el := range arr {
				if err := collect(p, el, i, out); err != nil {
					return err
				}
			}
			return nil
		}
		next, ok := p[i : i+1].Lookup(v)
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

// isIndex reports whether a path step is written as an array index.
func isIndex(step string) bool {
	_, err := strconv.Atoi(step)
	return err == nil
}

// appendObjects adds v's objects to out: v is an array of objects, one
// object (a projected element), or null.
func appendObjects(v any, p jsonvalue.Path, out *[]map[string]any) error {
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

// setAt stores value at p inside m, creating objects on the way. It fails
// when a step meets a value that is not an object.
func setAt(m map[string]any, p jsonvalue.Path, value any) error {
	if len(p) == 0 {
		return fmt.Errorf("empty variable path")
	}
	for i, step := range p[:len(p)-1] {
		next, ok := m[step]
		if !ok || next == nil {
			child := map[string]any{}
			m[step] = child
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
