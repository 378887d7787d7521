package engine

import (
	"encoding/json"
	"testing"
)

func TestSameValueAsAWriteSendsIt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		home any
		got  any
		same bool
	}{
		{"decimal places", json.Number("750.50"), json.Number("750.5"), true},
		{"float against decimal", json.Number("41.5"), 41.5, true},
		{"number written as text", json.Number("12"), "12.00", true},
		{"other number", json.Number("750.50"), json.Number("750.51"), false},
		{"text that is no number", json.Number("0"), "abc", false},
		{"texts stay texts", "007", "7", false},
		{"absent and null", nil, nil, true},
		{"cleared to empty text", "", nil, true},
		{"value gone at the partner", "Berlin", nil, false},
		{"value the home cleared", nil, "Berlin", false},
		{"partner's own members", map[string]any{"zip": "10115"}, map[string]any{"zip": "10115", "id": "x"}, true},
		{"member differs", map[string]any{"zip": "10115"}, map[string]any{"zip": "10117"}, false},
		{"array order", []any{"a", "b"}, []any{"b", "a"}, false},
		{"array numbers", []any{json.Number("1.0")}, []any{json.Number("1")}, true},
		{"booleans", true, false, false},
		{"text against object", "x", map[string]any{}, false},
	} {
		if got := sameWritten(c.home, c.got); got != c.same {
			t.Errorf("%s: sameWritten(%#v, %#v) = %v, want %v", c.name, c.home, c.got, got, c.same)
		}
	}
}
