package jsonvalue

import (
	"encoding/json"
	"testing"
)

func TestPathLookup(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"data": map[string]any{
			"items": []any{map[string]any{"id": json.Number("7")}, nil},
			"empty": nil,
		},
		"name": "x",
	}
	cases := []struct {
		path  string
		want  any
		found bool
	}{
		{"", doc, true},
		{"name", "x", true},
		{"data.items.0.id", json.Number("7"), true},
		{"data.items.1", nil, true},
		{"data.empty", nil, true},
		{"data.items.2", nil, false},
		{"data.items.x", nil, false},
		{"data.items.-1", nil, false},
		{"name.more", nil, false},
		{"missing", nil, false},
	}
	for _, c := range cases {
		got, found := Lookup(doc, c.path)
		if found != c.found {
			t.Errorf("Lookup(%q) found = %v, want %v", c.path, found, c.found)
		}
		if c.path != "" && found && got != c.want {
			t.Errorf("Lookup(%q) = %v, want %v", c.path, got, c.want)
		}
	}
	if got := ParsePath("a.b.0").String(); got != "a.b.0" {
		t.Errorf("String() = %q", got)
	}
	if ParsePath("") != nil {
		t.Error(`ParsePath("") is not the empty path`)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v    any
		want string
		ok   bool
	}{
		{"a b", "a b", true},
		{json.Number("1.50"), "1.50", true},
		{float64(1e21), "1000000000000000000000", true},
		{float64(0.1), "0.1", true},
		{float32(2.5), "2.5", true},
		{42, "42", true},
		{int64(-3), "-3", true},
		{true, "true", true},
		{nil, "", false},
		{map[string]any{}, "", false},
		{[]any{"x"}, "", false},
	}
	for _, c := range cases {
		got, ok := Text(c.v)
		if got != c.want || ok != c.ok {
			t.Errorf("Text(%#v) = %q, %v; want %q, %v", c.v, got, ok, c.want, c.ok)
		}
	}
	doc := map[string]any{"meta": map[string]any{"id": float64(12)}}
	if got := TextAt(doc, "meta.id"); got != "12" {
		t.Errorf(`TextAt(meta.id) = %q, want "12"`, got)
	}
	if got := TextAt(doc, "meta"); got != "" {
		t.Errorf(`TextAt(meta) = %q, want ""`, got)
	}
}
