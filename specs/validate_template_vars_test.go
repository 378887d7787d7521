package specs_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/specs"
)

// varsSpec is a spec of units whose templates read only what their
// kinds have, unless a replacement in edits (old, new pairs) changes one.
func varsSpec(edits ...string) []byte {
	doc := `{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/units": {
      "get": {"operationId": "listUnits",
        "parameters": [{"name": "portfolio", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}},
      "post": {"operationId": "createUnit",
        "parameters": [{"name": "source", "in": "query", "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
          "externalId": {"type": "string"}, "buildingId": {"type": "string"}, "tags": {"type": "string"}, "street": {"type": "string"}}}}}},
        "responses": {"201": {"description": "ok"}}}
    },
    "/units/{id}": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "get": {"operationId": "getUnit", "responses": {"200": {"description": "ok"}}},
      "put": {"operationId": "updateUnit",
        "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {"200": {"description": "ok"}}},
      "delete": {"operationId": "deleteUnit", "responses": {"204": {"description": "ok"}}}
    }
  },
  "x-sync": {"system": "s",
    "webhooks": {"event": "type", "events": {"unit.changed": {"entity": "unit", "key": "{{ event.data.id }}"}}},
    "entities": {"unit": {"model": "unit", "key": "externalId", "id": "id",
      "when": "{{ unit.tenant_id }}",
      "include": {"building": "{{ unit.building_id }}"},
      "list": {"operation": "listUnits", "params": {"portfolio": "north"}},
      "get": {"operation": "getUnit", "params": {"id": "{{ id }}"}},
      "create": {"operation": "createUnit", "params": {"source": "{{ instance.source }}"}},
      "update": {"operation": "updateUnit", "params": {"id": "{{ id }}"}},
      "delete": {"operation": "deleteUnit", "params": {"id": "{{ id|default:key }}"}},
      "read": {"id": "{{ record.externalId }}", "number": "{{ unit.number }}"},
      "write": {
        "externalId": "{{ unit.id }}",
        "buildingId": "{{ ids.building }}",
        "tags": "{% for t in record.tags %}{% set last = t %}{{ forloop.Counter }}{{ t|default:instance.id }}{% endfor %}{{ last }}",
        "street": "{% with s = building.street %}{{ s|default:ids.tenant }}{% endwith %}"
      }}}}
}`
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(doc, edits[i]) {
			panic("varsSpec: no " + edits[i])
		}
		doc = strings.Replace(doc, edits[i], edits[i+1], 1)
	}
	return []byte(doc)
}

// unknownVars lists the template-unknown-variable and unknown-entity
// findings of a spec, loaded alone and validated against the fixtures'
// model when withModel is set, as "code pointer: message (hint)".
func unknownVars(t *testing.T, data []byte, withModel bool) []string {
	t.Helper()
	spec, fs, err := specs.LoadBytes("units.json", data, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if withModel {
		model, _, err := specs.LoadModel(goldenModel, loadOptions())
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, specs.Validate(spec, model)...)
	}
	var out []string
	for _, f := range fs {
		if f.Code == specs.CodeTemplateUnknownVariable || f.Code == specs.CodeUnknownEntity {
			out = append(out, f.Code+" "+f.Pointer+": "+f.Message+" ("+f.Hint+")")
		}
	}
	return out
}

// TestTemplateVarsKnown: templates that read only what their kinds have
// (loop, set and with locals included) have no finding.
func TestTemplateVarsKnown(t *testing.T) {
	t.Parallel()
	if got := unknownVars(t, varsSpec(), true); len(got) > 0 {
		t.Errorf("findings %q; want none", got)
	}
}

// TestTemplateVarsUnknown changes one template at a time to read what
// its kind does not have.
func TestTemplateVarsUnknown(t *testing.T) {
	t.Parallel()
	const e = "/x-sync/entities/unit"
	cases := []struct {
		name      string
		old, new  string
		withModel bool
		want      string
	}{
		{"params typo", `"params": {"id": "{{ id }}"}},
      "delete"`, `"params": {"id": "{{ idd }}"}},
      "delete"`, false,
			e + `/update/params/id: the template reads "idd", which write params templates do not have (did you mean "id" or "ids"?)`},
		{"list params see the instance", `"portfolio": "north"`, `"portfolio": "{{ instance.ide }}"`, false,
			e + `/list/params/portfolio: the template reads instance.ide, but instance has only id, organisation, source (did you mean "id"?)`},
		{"delete has no record", `{{ id|default:key }}`, `{{ id|default:unit.id }}`, false,
			e + `/delete/params/id: the template reads "unit", which delete params templates do not have (variables of delete params templates: id, instance, key)`},
		{"get has no record", `"get": {"operation": "getUnit", "params": {"id": "{{ id }}"}}`, `"get": {"operation": "getUnit", "params": {"id": "{{ record.id }}"}}`, false,
			e + `/get/params/id: the template reads "record", which get params templates do not have (variables of get params templates: id, instance, key)`},
		{"filter argument", `{{ t|default:instance.id }}`, `{{ t|default:instanse.id }}`, false,
			e + `/write/tags: the template reads "instanse", which write templates do not have (did you mean "instance"?)`},
		{"loop variable outside its loop", `{% endfor %}{{ last }}`, `{% endfor %}{{ last }}{{ t }}`, false,
			e + `/write/tags: the template reads "t", which write templates do not have (variables of write templates: building, ids, instance, record, unit)`},
		{"with name outside its with", `{% endwith %}"`, `{% endwith %}{{ s }}"`, false,
			e + `/write/street: the template reads "s", which write templates do not have (variables of write templates: building, ids, instance, record, unit)`},
		{"member of instance", `{{ instance.source }}`, `{{ instance.organization }}`, false,
			e + `/create/params/source: the template reads instance.organization, but instance has only id, organisation, source (did you mean "organisation"?)`},
		{"include reads another include", `"building": "{{ unit.building_id }}"`, `"building": "{{ building.id }}"`, false,
			e + `/include/building: the template reads "building", which include templates do not have (variables of include templates: instance, record, unit)`},
		{"read has no model", `"number": "{{ unit.number }}"`, `"number": "{{ lease.number }}"`, false,
			e + `/read/number: the template reads "lease", which read templates do not have (variables of read templates: instance, record, unit)`},
		{"webhook key", `{{ event.data.id }}`, `{{ evnt.data.id }}`, false,
			`/x-sync/webhooks/events/unit.changed/key: the template reads "evnt", which webhook key templates do not have (did you mean "event"?)`},
		{"typo of the model, with the model", `{{ unit.id }}`, `{{ unitt.id }}`, true,
			e + `/write/externalId: the template reads "unitt", which write templates do not have (did you mean "unit"?)`},
		{"ids of nothing", `{{ ids.building }}`, `{{ ids.buildings }}`, true,
			e + `/write/buildingId: the template reads ids.buildings, but the entity includes no "buildings" and model entity "unit" references none (did you mean "building"? add "include": {"buildings": "{{ unit.<field holding its key> }}"}, or a reference to it in model entity "unit")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := unknownVars(t, varsSpec(c.old, c.new), c.withModel)
			if diff := cmp.Diff([]string{specs.CodeTemplateUnknownVariable + " " + c.want}, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTemplateVarsModelTypo: a template close to a name the entity
// chooses is left to the model check, which reports it only when the
// model has that name: with "model": "units", templates reading unit are
// right and the model key is wrong.
func TestTemplateVarsModelTypo(t *testing.T) {
	t.Parallel()
	data := varsSpec(`"model": "unit"`, `"model": "units"`, `{{ unit.id }}`, `{{ unitt.id }}`)
	if got := unknownVars(t, data, false); len(got) > 0 {
		t.Errorf("without the model: %q; want none", got)
	}
	want := []string{specs.CodeUnknownEntity + ` /x-sync/entities/unit/model: the model has no entity "units" (did you mean "unit"?)`}
	if diff := cmp.Diff(want, unknownVars(t, data, true)); diff != "" {
		t.Errorf("with the model (-want +got):\n%s", diff)
	}
}

// TestModelNotFound: validating specs that name model entities without a
// model warns, saying how to pass one; with a model it does not.
func TestModelNotFound(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/units.json"
	if err := os.WriteFile(path, varsSpec(), 0o600); err != nil {
		t.Fatal(err)
	}
	codes := func(fs specs.Findings) []string {
		var out []string
		for _, f := range fs {
			if f.Code == specs.CodeModelNotFound {
				out = append(out, string(f.Severity)+" "+f.Pointer+" "+f.Hint)
			}
		}
		return out
	}
	want := []string{"warning /x-sync/entities pass the model document with --model MODEL, or name it among the files to validate (a file with x-model)"}
	if diff := cmp.Diff(want, codes(specs.ValidateFiles("", []string{path}, loadOptions()))); diff != "" {
		t.Errorf("without a model (-want +got):\n%s", diff)
	}
	if got := codes(specs.ValidateFiles(goldenModel, []string{path}, loadOptions())); len(got) > 0 {
		t.Errorf("with a model: %q; want no warning", got)
	}
}

// templateVarsRegion is the generated table of template variables in
// docs/spec-language.md, between its markers.
var templateVarsRegion = regexp.MustCompile(`(?s)<!-- template variables: generated[^\n]*-->\n(.*?)<!-- end of template variables -->`)

// TestTemplateVarsDoc fails when the table of template variables in
// docs/spec-language.md differs from specs.TemplateKinds; -update
// rewrites it.
func TestTemplateVarsDoc(t *testing.T) {
	t.Parallel()
	const path = "../docs/spec-language.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := templateVarsRegion.FindSubmatchIndex(doc)
	if m == nil {
		t.Fatalf("%s has no generated table of template variables", path)
	}
	want := string(doc[:m[2]]) + specs.TemplateVarsMarkdown() + string(doc[m[3]:])
	if golden.Update() {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, string(doc)); diff != "" {
		t.Errorf("%s is out of date (go test ./specs -run TestTemplateVarsDoc -update) (-want +got):\n%s", path, diff)
	}
}
