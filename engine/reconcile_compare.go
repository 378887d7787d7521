package engine

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// writtenPaths are the dotted paths of the fields a flow's write mapping
// (or its compare projection) writes, nested objects followed to their
// leaves, less the target schema's write-only fields (the partner never
// shows them); nil for an omitted mapping, whose payload's own paths are
// compared.
func writtenPaths(f *flow) []string {
	m := f.dst.ent.Write
	if f.dst.ent.Compare != nil {
		m = f.dst.ent.Compare
	}
	if m == nil {
		return nil
	}
	var out []string
	for _, p := range leafPaths("", map[string]any(m)) {
		if !writeOnly(f, firstSegment(p)) {
			out = append(out, p)
		}
	}
	return out
}

// leafPaths lists the paths of an object's leaves (values that are not
// objects), sorted.
func leafPaths(prefix string, m map[string]any) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if inner, ok := m[k].(map[string]any); ok && len(inner) > 0 {
			out = append(out, leafPaths(prefix+k+".", inner)...)
			continue
		}
		out = append(out, prefix+k)
	}
	return out
}

// writeOnly reports whether the target schema marks a field write-only.
func writeOnly(f *flow, field string) bool {
	if f.schema == nil {
		return false
	}
	ref := f.schema.Properties[field]
	return ref != nil && ref.Value != nil && ref.Value.WriteOnly
}

// firstSegment is the first segment of a dotted path.
func firstSegment(path string) string {
	top, _, _ := strings.Cut(path, ".")
	return top
}

// fieldDrifts compares a home payload with a partner record on paths (the
// payload's own paths when nil) and lists the fields that differ, values
// masked where personal.
func fieldDrifts(f *flow, paths []string, payload, obj map[string]any) []FieldDrift {
	if paths == nil {
		paths = leafPaths("", payload)
	}
	var out []FieldDrift
	for _, p := range paths {
		h, hok := jsonvalue.Lookup(payload, p)
		v, vok := jsonvalue.Lookup(obj, p)
		if !hok {
			h = nil
		}
		if !vok {
			v = nil
		}
		if !sameWritten(h, v) {
			out = append(out, FieldDrift{Field: p, Home: maskedAt(f, p, h), Partner: maskedAt(f, p, v)})
		}
	}
	return out
}

// maskedAt masks a value of a personal field.
func maskedAt(f *flow, path string, v any) any {
	if f.mask[path] || f.mask[firstSegment(path)] {
		return store.MaskValue(v)
	}
	return v
}

// sameWritten reports whether a home value and a partner value are the
// same as a write would make them: an absent field, null and "" are all
// empty (a mapping leaves an empty value out, and a cleared field is sent
// as null or ""); numbers are compared as decimals ("750.50" and 750.5
// are one number), also against a number written as text; objects are
// compared on the home's members only (the partner adds its own, as ids
// and timestamps); arrays element by element.
func sameWritten(h, v any) bool {
	if empty(h) || empty(v) {
		return empty(h) && empty(v)
	}
	if a, ok := number(h, v); ok {
		b, ok := number(v, h)
		return ok && a.Equal(b)
	}
	switch x := h.(type) {
	case map[string]any:
		y, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for k, hv := range x {
			if !sameWritten(hv, y[k]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := v.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameWritten(x[i], y[i]) {
				return false
			}
		}
		return true
	case string, bool:
		return h == v
	}
	a, errA := json.Marshal(h)
	b, errB := json.Marshal(v)
	return errA == nil && errB == nil && string(a) == string(b)
}

// empty reports whether a value counts as no value.
func empty(v any) bool { return v == nil || v == "" }

// number returns v as a decimal when v is a number, or text that parses
// as one while other is a number; false otherwise. Text is read as a
// number only against a number, so "007" and "7" stay different texts.
func number(v, other any) (decimal.Decimal, bool) {
	if d, ok := numeric(v); ok {
		_, otherText := other.(string)
		if _, otherNum := numeric(other); otherNum || otherText {
			return d, true
		}
		return decimal.Decimal{}, false
	}
	s, ok := v.(string)
	if _, otherNum := numeric(other); !ok || !otherNum {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	return d, err == nil
}

// numeric converts a value of a number type to a decimal.
func numeric(v any) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case json.Number:
		d, err := decimal.NewFromString(string(x))
		return d, err == nil
	case float64:
		return decimal.NewFromFloat(x), true
	case int:
		return decimal.NewFromInt(int64(x)), true
	case int64:
		return decimal.NewFromInt(x), true
	case decimal.Decimal:
		return x, true
	}
	return decimal.Decimal{}, false
}
