package engine

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/shopspring/decimal"
)

// A partner record holds more than a write sends (its own id, timestamps,
// fields other integrations fill). To tell whether it holds what the home
// would write, it is projected onto the written fields and compared with
// the payload value by value, by JSON type: numbers as numbers (41.50
// equals 41.5), strings, booleans and null exactly, objects member by
// member, arrays element by element.

// projectWritten returns obj restricted to the fields of shape (a payload,
// or the shape of a write mapping): each member of shape that obj has,
// and, where both hold an object, that object projected onto shape's
// object in turn. Other values are taken whole. A nil shape takes obj as
// it is.
func projectWritten(obj, shape map[string]any) map[string]any {
	if shape == nil {
		return obj
	}
	out := make(map[string]any, len(shape))
	for name, sub := range shape {
		v, ok := obj[name]
		if !ok {
			continue
		}
		if subShape, isObj := sub.(map[string]any); isObj {
			if o, isObj := v.(map[string]any); isObj {
				v = projectWritten(o, subShape)
			}
		}
		out[name] = v
	}
	return out
}

// differingFields lists, sorted, the top-level fields of want whose value
// in got is not the same (sameValue); a field got lacks differs unless
// want holds null there.
func differingFields(want, got map[string]any) []string {
	var out []string
	for name, w := range want {
		g, ok := got[name]
		if !ok && w == nil {
			continue
		}
		if !ok || !sameValue(w, g) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// sameValue reports whether two decoded JSON values are equal by type:
// numbers by their decimal value, objects and arrays member by member.
func sameValue(a, b any) bool {
	if da, ok := decimalOf(a); ok {
		db, ok := decimalOf(b)
		return ok && da.Equal(db)
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// decimalOf reads a decoded JSON number; false for any other value.
func decimalOf(v any) (decimal.Decimal, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case float64:
		return decimal.NewFromFloat(x), true
	case float32:
		return decimal.NewFromFloat32(x), true
	case int:
		return decimal.NewFromInt(int64(x)), true
	case int64:
		return decimal.NewFromInt(x), true
	default:
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	return d, err == nil
}

// valuePrint is a 64-bit fingerprint of a decoded JSON value such that
// values sameValue finds equal have equal prints: numbers are hashed in
// their shortest decimal form. It is never zero, so that zero can stand
// for a field a record lacks.
func valuePrint(v any) uint64 {
	h := newValueHash()
	defer h.done()
	h.value(normalNumbers(v))
	sum := h.d.Sum64()
	if sum == 0 {
		sum = 1
	}
	return sum
}

// normalNumbers returns v with every number written in its shortest
// decimal form ("41.50" and 41.5 both as 41.5).
func normalNumbers(v any) any {
	if d, ok := decimalOf(v); ok {
		return json.Number(d.String())
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalNumbers(e)
		}
		return out
	}
	return v
}

// fieldNames are the sorted top-level names of a shape.
func fieldNames(shape map[string]any) []string {
	return slices.Sorted(maps.Keys(shape))
}

// printsOf fingerprints the values of obj at fields (projected onto
// shape): zero for a field obj lacks.
func printsOf(obj, shape map[string]any, fields []string) []uint64 {
	proj := projectWritten(obj, shape)
	out := make([]uint64, len(fields))
	for i, name := range fields {
		if v, ok := proj[name]; ok {
			out[i] = valuePrint(v)
		}
	}
	return out
}
