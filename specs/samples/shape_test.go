package samples

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// schemaOf merges the JSON values and returns their schema as JSON.
func schemaOf(t *testing.T, minRequired int, values ...string) string {
	t.Helper()
	sh := &shape{}
	for _, v := range values {
		decoded, err := jsonvalue.Decode([]byte(v))
		if err != nil {
			t.Fatal(err)
		}
		sh.add(decoded)
	}
	out, err := json.Marshal(sh.schema(schemaOptions{minRequired: minRequired}))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestShapeSchema(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		want   string
	}{
		{"integers", []string{`1`, `-7`}, `{"type":"integer"}`},
		{"wide integers", []string{`1`, `8589934592`}, `{"format":"int64","type":"integer"}`},
		{"integers and numbers", []string{`1`, `2.5`}, `{"type":"number"}`},
		{"a float with no fraction", []string{`1.0`}, `{"type":"number"}`},
		{"decimals in strings stay strings", []string{`"123.40"`, `"7"`}, `{"type":"string"}`},
		{"null makes nullable", []string{`"a"`, `null`}, `{"nullable":true,"type":"string"}`},
		{"only null", []string{`null`}, `{"description":"only null was seen: the type is unknown","nullable":true}`},
		{"date-time", []string{`"2024-05-01T10:00:00Z"`, `"2024-05-01T10:00:00.5+02:00"`}, `{"format":"date-time","type":"string"}`},
		{"date", []string{`"2024-05-01"`}, `{"format":"date","type":"string"}`},
		{"not a date", []string{`"2024-13-45"`}, `{"type":"string"}`},
		{"email", []string{`"a.b@example.com"`}, `{"format":"email","type":"string"}`},
		{"uuid", []string{`"3f2c8a90-6b1d-4e27-8c4f-0a9d5e7b1c62"`}, `{"format":"uuid","type":"string"}`},
		{"uri", []string{`"https://example.com/x"`}, `{"format":"uri","type":"string"}`},
		{"formats must agree", []string{`"2024-05-01"`, `"a.b@example.com"`}, `{"type":"string"}`},
		{"an empty string has no format", []string{`"a.b@example.com"`, `""`}, `{"type":"string"}`},
		{"mixed types", []string{`1`, `"a"`}, `{"oneOf":[{"type":"integer"},{"type":"string"}]}`},
		{"array items merge", []string{`[1, 2]`, `[3.5]`, `[]`}, `{"items":{"type":"number"},"type":"array"}`},
		{"empty arrays only", []string{`[]`}, `{"items":{},"type":"array"}`},
		{"required when in every object", []string{`{"a": 1, "b": null}`, `{"a": 2, "b": "x"}`, `{"a": 3, "b": "y", "c": true}`},
			`{"properties":{"a":{"type":"integer"},"b":{"nullable":true,"type":"string"},"c":{"type":"boolean"}},"required":["a","b"],"type":"object"}`},
		{"maps keyed by ids", []string{`{"101": {"n": 1}, "102": {"n": 2}}`}, `{"additionalProperties":{"properties":{"n":{"type":"integer"}},"required":["n"],"type":"object"},"type":"object"}`},
		{"nested arrays of objects", []string{`{"xs": [{"a": 1}, {"a": 2, "b": "c"}]}`},
			`{"properties":{"xs":{"items":{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"],"type":"object"},"type":"array"}},"required":["xs"],"type":"object"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, schemaOf(t, 1, c.values...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestShapeSchemaRequiresEnoughObjects(t *testing.T) {
	if got := schemaOf(t, 2, `{"a": 1}`); got != `{"properties":{"a":{"type":"integer"}},"type":"object"}` {
		t.Errorf("one object of a request made a member required: %s", got)
	}
	if got := schemaOf(t, 2, `{"a": 1}`, `{"a": 2}`); got != `{"properties":{"a":{"type":"integer"}},"required":["a"],"type":"object"}` {
		t.Errorf("two objects: %s", got)
	}
}

func TestShapeMergeEqualsAddingAll(t *testing.T) {
	values := []string{`{"a": 1, "t": "2024-05-01"}`, `{"a": 2.5, "t": null, "xs": [{"b": true}]}`, `[1]`}
	all := &shape{}
	split := [2]*shape{{}, {}}
	for i, v := range values {
		d, _ := jsonvalue.Decode([]byte(v))
		all.add(d)
		split[i%2].add(d)
	}
	split[0].merge(split[1])
	a, _ := json.Marshal(all.schema(schemaOptions{minRequired: 1}))
	b, _ := json.Marshal(split[0].schema(schemaOptions{minRequired: 1}))
	if diff := cmp.Diff(string(a), string(b)); diff != "" {
		t.Errorf("merged shapes differ from one shape of all values (-add +merge):\n%s", diff)
	}
}

func TestScalarSchema(t *testing.T) {
	cases := []struct {
		values []string
		want   string
	}{
		{[]string{"1", "20"}, `{"type":"integer"}`},
		{[]string{"0042"}, `{"type":"string"}`},
		{[]string{"1", "2.5"}, `{"type":"number"}`},
		{[]string{"true", "false"}, `{"type":"boolean"}`},
		{[]string{"2024-05-01T00:00:00Z"}, `{"format":"date-time","type":"string"}`},
		{[]string{"1", "abc"}, `{"type":"string"}`},
		{nil, `{"type":"string"}`},
	}
	for _, c := range cases {
		got, _ := json.Marshal(scalarSchema(c.values))
		if string(got) != c.want {
			t.Errorf("%q: got %s, want %s", c.values, got, c.want)
		}
	}
}
