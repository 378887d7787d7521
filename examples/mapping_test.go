package examples

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/specsync/specsync/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// instance is the `instance` variable the write mappings see.
var instance = map[string]any{"id": "lindenhof-everreal", "organisation": "Hausverwaltung Sonnenberg GmbH", "source": "specsync"}

// partnerIDs are the partner's ids of included records (`ids.<include>`).
var partnerIDs = map[string]any{
	"unit":          "4f1c9a52-6d0b-4c1e-a8e3-2b7d5f9c0e11",
	"tenant":        "9d2e4b71-0c3a-4f5e-b6a8-1e7f3c5d9a20",
	"building":      "e0a7c3d9-5b1f-4e2a-9c6d-8f4b2a1e7d35",
	"economic_unit": "2b8f6e1a-7d4c-4a9b-8e3f-0c5d1a9e6b72",
}

// pushed are the spec entities with write mappings, by spec file.
var pushed = map[string][]string{
	"realestate/everreal.json": {"owner", "propertyGroup", "property", "unit", "tenant"},
	"realestate/casavi.json":   {"property", "unit", "contact_tenant", "contact_owner", "contract_tenant", "contract_owner"},
}

// readRecord decodes realestate/records/NAME.json.
func readRecord(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("realestate", "records", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("records/%s.json: %v", name, err)
	}
	return rec
}

// TestSampleRecordsMatchModel checks every sample record against its
// model schema, so that the mapping tests start from valid data.
func TestSampleRecordsMatchModel(t *testing.T) {
	t.Parallel()
	model := loadModel(t)
	for _, entity := range model.Order {
		if entity == "prospect" {
			continue // prospects come from partners; see TestReadMapping
		}
		if err := model.Schema(entity).VisitJSON(readRecord(t, entity)); err != nil {
			t.Errorf("records/%s.json does not match the model: %v", entity, err)
		}
	}
}

// TestWriteMappings renders every write mapping of the partner specs on
// the sample records, with the real filter library, and compares the
// bodies with testdata/mapped/SYSTEM_ENTITY.json. Apply also validates
// each body against the operation's input schema.
func TestWriteMappings(t *testing.T) {
	t.Parallel()
	model := loadModel(t)
	env := transforms.NewEnv()
	for path, names := range pushed {
		spec := loadSpec(t, path)
		for _, name := range names {
			t.Run(spec.Sync.System+"/"+name, func(t *testing.T) {
				e, _ := spec.Entity(name)
				vars := writeVars(t, env, e)
				if e.When != "" && render(t, env, e.When, vars) != "true" {
					t.Fatalf("when %q is not true for the sample", e.When)
				}
				body := applyWrite(t, env, spec, e, vars)
				if got, want := body[e.Key], vars[e.Model].(map[string]any)[model.Entities[e.Model].Key]; got != want {
					t.Errorf("key field %s is %v, want the home key %v", e.Key, got, want)
				}
				checkJSONGolden(t, filepath.Join("testdata", "mapped", spec.Sync.System+"_"+name+".json"), body)
			})
		}
	}
}

// TestReadMapping maps the sample EverReal candidate to a prospect and
// checks it against the model schema (Apply validates it) and the golden.
func TestReadMapping(t *testing.T) {
	t.Parallel()
	out := readProspect(t)
	if want := readRecord(t, "everreal_candidate")["id"]; out["id"] != want {
		t.Errorf("prospect id %v, want the candidate's key %v", out["id"], want)
	}
	checkJSONGolden(t, filepath.Join("testdata", "mapped", "everreal_candidate.json"), out)
}

// readProspect maps the sample EverReal candidate with the read mapping,
// against the model's prospect schema.
func readProspect(t *testing.T) map[string]any {
	t.Helper()
	model := loadModel(t)
	e, _ := loadSpec(t, "realestate/everreal.json").Entity("candidate")
	m, err := transforms.NewEnv().CompileMapping(e.Read, model.Schema(e.Model))
	if err != nil {
		t.Fatal(err)
	}
	obj := readRecord(t, "everreal_candidate")
	out, err := m.Apply(transforms.Vars{"candidate": obj, "record": obj})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// loadSpec loads a connector spec that must load.
func loadSpec(t *testing.T, path string) *specs.Spec {
	t.Helper()
	spec, _, err := specs.Load(path, loadOptions)
	if err != nil || spec == nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	return spec
}

// writeVars builds the variables of e's write mapping from the sample
// records: the record, each include (found by rendering its template and
// checked against the sample's key), ids and instance.
func writeVars(t *testing.T, env *transforms.Env, e *specs.Entity) transforms.Vars {
	t.Helper()
	rec := readRecord(t, e.Model)
	vars := transforms.Vars{e.Model: rec, "record": rec, "ids": partnerIDs, "instance": instance}
	for name, src := range e.Include {
		inc := readRecord(t, name)
		if key := render(t, env, src, vars); key != inc["id"] {
			t.Fatalf("include %s renders key %q, but the sample's key is %v", name, key, inc["id"])
		}
		vars[name] = inc
	}
	return vars
}

// applyWrite maps vars with e's write mapping against the schema of each
// of its write operations; all must give the same body.
func applyWrite(t *testing.T, env *transforms.Env, spec *specs.Spec, e *specs.Entity, vars transforms.Vars) map[string]any {
	t.Helper()
	var first map[string]any
	for _, op := range []*specs.Operation{e.Upsert, e.Create, e.Update} {
		if op == nil {
			continue
		}
		m, err := env.CompileMapping(e.Write, spec.WriteSchema(op))
		if err != nil {
			t.Fatalf("%s: %v", op.Operation, err)
		}
		body, err := m.Apply(vars)
		if err != nil {
			t.Fatalf("%s: %v", op.Operation, err)
		}
		if first == nil {
			first = body
		} else if diff := cmp.Diff(first, body); diff != "" {
			t.Errorf("%s maps differently (-first +%s):\n%s", op.Operation, op.Operation, diff)
		}
	}
	return first
}

// render renders one template.
func render(t *testing.T, env *transforms.Env, src string, vars transforms.Vars) string {
	t.Helper()
	tpl, err := env.Compile(src)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	s, err := tpl.Render(vars)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return s
}

// checkJSONGolden compares v, as indented JSON, with the golden file at
// path, or rewrites it with -update.
func checkJSONGolden(t *testing.T, path string, v any) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, path, b.Bytes())
}
