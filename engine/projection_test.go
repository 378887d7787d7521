package engine

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProjectionComparesByType(t *testing.T) {
	t.Parallel()
	partner := map[string]any{
		"id": "p-1", "updatedAt": "2025-03-01T12:00:00Z",
		"name": "Haus", "area": json.Number("42.50"), "floors": 3.0, "active": true,
		"address": map[string]any{"city": "Berlin", "zip": "10115", "geo": "52.5,13.4"},
		"tags":    []any{"a", json.Number("1.0")},
	}
	payload := map[string]any{
		"name": "Haus", "area": json.Number("42.5"), "floors": json.Number("3"), "active": true,
		"address": map[string]any{"city": "Berlin", "zip": "10117"},
		"tags":    []any{"a", json.Number("1")},
		"note":    nil,
		"rent":    "700.50",
	}
	proj := projectWritten(partner, payload)
	if _, ok := proj["id"]; ok {
		t.Errorf("the projection keeps a field the payload does not write: %v", proj)
	}
	if d := cmp.Diff(map[string]any{"city": "Berlin", "zip": "10115"}, proj["address"]); d != "" {
		t.Errorf("nested object projected (-want +got):\n%s", d)
	}
	// zip differs; rent is missing at the partner; note is null and
	// missing, which is the same; numbers compare by value.
	if d := cmp.Diff([]string{"address", "rent"}, differingFields(payload, proj)); d != "" {
		t.Errorf("differing fields (-want +got):\n%s", d)
	}
	for _, c := range []struct {
		a, b any
		same bool
	}{
		{json.Number("1.50"), 1.5, true},
		{json.Number("1e2"), 100, true},
		{json.Number("1"), "1", false},
		{"x", "x", true},
		{nil, false, false},
		{[]any{1.0}, []any{1.0, 2.0}, false},
		{map[string]any{"a": 1.0}, map[string]any{"a": json.Number("1.0")}, true},
	} {
		if got := sameValue(c.a, c.b); got != c.same {
			t.Errorf("sameValue(%#v, %#v) = %v, want %v", c.a, c.b, got, c.same)
		}
		if c.same && valuePrint(c.a) != valuePrint(c.b) {
			t.Errorf("valuePrint(%#v) != valuePrint(%#v) though they are the same", c.a, c.b)
		}
	}
}
