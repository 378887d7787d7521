package specs

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// clearSpec is a spec whose unit updates are sent with method (and
// replace, when set); fields is the entity's "fields" object.
func clearSpec(method, fields string, replace bool) []byte {
	opt := ""
	if replace {
		opt = `, "replace": true`
	}
	return []byte(`{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {"/units/{id}": {"` + method + `": {"operationId": "updateUnit",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
      "externalId": {"type": "string"},
      "livingArea": {"type": "number", "nullable": true},
      "rooms": {"type": "integer"},
      "name": {"type": "string"},
      "availableFrom": {"type": "string", "format": "date"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "kind": {"type": "string"}}}}}},
    "responses": {"200": {"description": "ok"}}}}},
  "x-sync": {"system": "s", "entities": {"unit": {"model": "unit", "key": "externalId",
    "update": {"operation": "updateUnit", "params": {"id": "{{ id }}"}` + opt + `},
    "fields": ` + fields + `,
    "write": {"externalId": "{{ unit.id }}", "livingArea": "{{ unit.area }}", "rooms": "{{ unit.rooms }}",
      "name": "{{ unit.name }}", "availableFrom": "{{ unit.from }}", "tags": ["{{ unit.tag }}"], "kind": "flat"}}}}
}`)
}

// findingsOf lists code and pointer of each finding.
func findingsOf(fs Findings) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Severity)+" "+f.Code+" "+f.Pointer)
	}
	return out
}

func TestValidateClear(t *testing.T) {
	t.Parallel()
	_, fs, err := LoadBytes("unit.json", clearSpec("patch", `{"rooms": {"clear": "empty"}, "nope": {"clear": "null"}, "name": {"clear": "omit"}}`, false), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := findingsOf(fs)
	want := []string{
		"error invalid-value /x-sync/entities/unit/fields/rooms/clear",
		"error unknown-write-field /x-sync/entities/unit/fields/nope",
		"warning uncleared-field /x-sync/entities/unit/write/availableFrom",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("findings (-want +got):\n%s\n%v", d, fs)
	}
	for _, f := range fs {
		if f.Code == CodeUnclearedField && (!strings.Contains(f.Message, `format "date"`) || !strings.Contains(f.Hint, `"clear": "null"`)) {
			t.Errorf("the warning says neither why nor what to do: %v", f)
		}
	}
	// Only updates and upserts replace.
	doc := strings.Replace(string(clearSpec("patch", `{}`, true)), `"update": {"operation"`, `"create": {"operation": "updateUnit", "replace": true}, "update": {"operation"`, 1)
	_, fs, err = LoadBytes("unit.json", []byte(doc), LoadOptions{})
	if got := findingsOf(fs); err != nil || !slices.Contains(got, "error invalid-value /x-sync/entities/unit/create/replace") {
		t.Errorf("replace on a create: err=%v findings=%v", err, fs)
	}
	// An update that replaces the record needs no clearing.
	_, fs, err = LoadBytes("unit.json", clearSpec("put", `{}`, true), LoadOptions{})
	if err != nil || len(fs) != 0 {
		t.Errorf("replace: err=%v findings=%v", err, fs)
	}
	// A PUT that does not say it replaces is taken to merge.
	_, fs, err = LoadBytes("unit.json", clearSpec("put", `{}`, false), LoadOptions{})
	if err != nil || !hasCode(fs, CodeUnclearedField) {
		t.Errorf("PUT: err=%v findings=%v", err, fs)
	}
}

func TestFieldClearing(t *testing.T) {
	t.Parallel()
	spec, _, err := LoadBytes("unit.json", clearSpec("patch", `{"name": {"clear": "null"}, "tags": {"clear": "omit"}}`, false), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	unit, _ := spec.Entity("unit")
	cases := []struct {
		field string
		want  Clearing
	}{
		{"livingArea", Clearing{OK: true}},            // nullable
		{"name", Clearing{OK: true}},                  // declared null
		{"externalId", Clearing{OK: true, Value: ""}}, // a string's empty value
		{"tags", Clearing{Reason: `its clear policy is "omit"`}},
		{"rooms", Clearing{Reason: "its schema is not nullable and an integer has no empty value"}},
		{"unknown", Clearing{OK: true}}, // not in the schema: null
	}
	for _, c := range cases {
		if got := spec.FieldClearing(unit, c.field); !cmp.Equal(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.field, got, c.want)
		}
	}
	if spec.Replaces(unit) {
		t.Error("a PATCH update replaces")
	}
}
