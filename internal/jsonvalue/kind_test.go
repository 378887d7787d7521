package jsonvalue

import (
	"encoding/json"
	"testing"
)

func TestKind(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    any
		want string
	}{
		{nil, "null"},
		{map[string]any{"a": 1}, "an object"},
		{[]any{1}, "an array"},
		{"x", "a string"},
		{json.Number("1.50"), "a number"},
		{1.5, "a number"},
		{7, "a number"},
		{int64(7), "a number"},
		{true, "a boolean"},
		{[]string{"a"}, "a []string"},
		{map[string]string{}, "a map[string]string"},
	} {
		if got := Kind(tt.v); got != tt.want {
			t.Errorf("Kind(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestKindOfDecodedValues(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]string{
		`null`:    "null",
		`{}`:      "an object",
		`[]`:      "an array",
		`"s"`:     "a string",
		`-1.5e3`:  "a number",
		`false`:   "a boolean",
		`{"a":1}`: "an object",
	} {
		v, err := Decode([]byte(doc))
		if err != nil {
			t.Fatalf("Decode(%s): %v", doc, err)
		}
		if got := Kind(v); got != want {
			t.Errorf("Kind of %s = %q, want %q", doc, got, want)
		}
	}
}
