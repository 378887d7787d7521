package scaffold_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/specs/scaffold"
)

// cases are vendor documents of each version, each with and without the
// model: every overlay is compared with its golden file and must validate
// without errors, with one todo warning per todo note.
var cases = []struct {
	name, doc string
	model     bool
	entities  []string
	models    map[string]string
}{
	{name: "pets", doc: "pets.json"},
	{name: "pets_model", doc: "pets.json", model: true},
	{name: "shop", doc: "shop.yaml"},
	{name: "shop_model", doc: "shop.yaml", model: true},
	{name: "crm", doc: "crm.json"},
	{name: "crm_model", doc: "crm.json", model: true},
	{name: "feeds", doc: "feeds.yaml"},
	{name: "feeds_model", doc: "feeds.yaml", model: true, models: map[string]string{"flat": "pet"}},
	{name: "pets_entity", doc: "pets.json", model: true, entities: []string{"/vets", "pet"}, models: map[string]string{"vet": "person"}},
}

func loadOptions() specs.LoadOptions {
	return specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()}
}

func TestGenerateValidates(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyFile(t, filepath.Join("testdata", tc.doc), filepath.Join(dir, tc.doc))
			opts := scaffold.Options{Entities: tc.entities, ModelEntities: tc.models}
			modelPath := ""
			if tc.model {
				modelPath = filepath.Join("testdata", "model.json")
				m, fs, err := specs.LoadModel(modelPath, loadOptions())
				if err != nil || fs.HasErrors() {
					t.Fatalf("model: %v %v", err, fs)
				}
				opts.Model = m
			}
			doc := loadDoc(t, filepath.Join(dir, tc.doc))
			overlay := filepath.Join(dir, "vendor.sync.json")
			opts.OverlayPath, opts.Load = overlay, loadOptions()
			data, notes, err := scaffold.Generate(doc, tc.doc, opts)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.name+".golden"), append(append([]byte{}, data...), notesText(notes)...))
			if err := os.WriteFile(overlay, data, 0o644); err != nil {
				t.Fatal(err)
			}
			checkFindings(t, specs.ValidateFiles(modelPath, []string{overlay}, loadOptions()), notes)
		})
	}
}

// checkFindings wants no error and exactly one todo warning per todo note.
func checkFindings(t *testing.T, fs specs.Findings, notes []scaffold.Note) {
	t.Helper()
	todos := 0
	for _, f := range fs {
		if f.Severity == specs.SeverityError {
			t.Errorf("error: %s", f)
		}
		if f.Code == specs.CodeTodo {
			todos++
		}
	}
	want := 0
	for _, n := range notes {
		if n.Kind == scaffold.NoteTodo {
			want++
		}
	}
	if todos != want {
		t.Errorf("%d todo warnings, want %d (one per todo note)", todos, want)
	}
}

func TestGenerateUnknownEntity(t *testing.T) {
	doc := loadDoc(t, filepath.Join("testdata", "pets.json"))
	_, _, err := scaffold.Generate(doc, "pets.json", scaffold.Options{Entities: []string{"cat"}})
	if err == nil || !strings.Contains(err.Error(), `no collection "cat"`) || !strings.Contains(err.Error(), "pet (/pets)") {
		t.Fatalf("err = %v, want one naming cat and listing the collections", err)
	}
}

func TestGenerateUnknownModelEntity(t *testing.T) {
	doc := loadDoc(t, filepath.Join("testdata", "pets.json"))
	m, _, err := specs.LoadModel(filepath.Join("testdata", "model.json"), loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	for choice, want := range map[string]string{"vet": `the model has no entity "animal"; it has: person, pet`, "cat": `no collection "cat" to give a model entity`} {
		_, _, err := scaffold.Generate(doc, "pets.json", scaffold.Options{Model: m, ModelEntities: map[string]string{choice: "animal"}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=animal: err = %v, want %q", choice, err, want)
		}
	}
}

func TestGenerateNoCollection(t *testing.T) {
	data := []byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/health": {"get": {"responses": {"200": {"description": "ok"}}}}}}`)
	spec, _, err := specs.LoadBytes(filepath.Join(t.TempDir(), "h.json"), data, loadOptions())
	if err != nil || spec == nil {
		t.Fatal(err)
	}
	if _, _, err := scaffold.Generate(spec.Doc, "h.json", scaffold.Options{}); err == nil || !strings.Contains(err.Error(), "no collection found") {
		t.Fatalf("err = %v, want no collection found", err)
	}
}

func loadDoc(t *testing.T, path string) *openapi3.T {
	t.Helper()
	spec, _, err := specs.Load(path, loadOptions())
	if err != nil || spec == nil || spec.Doc == nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return spec.Doc
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func notesText(notes []scaffold.Note) []byte {
	var b bytes.Buffer
	b.WriteString("--- notes\n")
	for _, n := range notes {
		fmt.Fprintf(&b, "%s %s: %s\n", n.Kind, n.Entity, n.Text)
	}
	return b.Bytes()
}

// TestGenerateAnyDocument runs Generate on every document of the specs
// package's test data and of the examples, with its x-sync removed: it
// never panics, and what it writes for a document that loads without
// errors validates without errors.
func TestGenerateAnyDocument(t *testing.T) {
	var paths []string
	for _, pattern := range []string{"../testdata/*.json", "../testdata/*.yaml", "../../examples/realestate/*.json", "../../examples/invalid/*.json"} {
		found, _ := filepath.Glob(pattern)
		paths = append(paths, found...)
	}
	if _, _, err := scaffold.Generate(nil, "x.json", scaffold.Options{}); err == nil {
		t.Error("Generate(nil) gave no error")
	}
	generated := 0
	for _, path := range paths {
		vendor := withoutSync(t, path)
		if vendor == "" {
			continue
		}
		spec, fs, err := specs.Load(vendor, loadOptions())
		if err != nil || spec == nil || spec.Doc == nil {
			continue
		}
		overlay := filepath.Join(filepath.Dir(vendor), "vendor.sync.json")
		data, _, err := scaffold.Generate(spec.Doc, filepath.Base(vendor), scaffold.Options{OverlayPath: overlay, Load: loadOptions()})
		if err != nil || slices.ContainsFunc(fs, func(f specs.Finding) bool {
			return f.Severity == specs.SeverityError && f.Code != specs.CodeMissingXSync
		}) {
			continue // no collection, or faults of the document itself
		}
		generated++
		if err := os.WriteFile(overlay, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, f := range specs.ValidateFiles("", []string{overlay}, loadOptions()) {
			if f.Severity == specs.SeverityError {
				t.Errorf("%s: %s", path, f)
			}
		}
	}
	if generated < 5 {
		t.Errorf("overlays generated for %d documents, want at least 5", generated)
	}
}

// TestGenerateRefusesSpec refuses a document with an x-sync of its own,
// which the overlay's would be merged into.
func TestGenerateRefusesSpec(t *testing.T) {
	doc := loadDoc(t, "../../examples/realestate/casavi.json")
	if _, _, err := scaffold.Generate(doc, "casavi.json", scaffold.Options{}); err == nil || !strings.Contains(err.Error(), "x-sync of its own") {
		t.Errorf("err = %v, want a refusal naming the x-sync", err)
	}
}

// withoutSync writes the document at path without its x-sync as JSON into
// a new folder and returns its path; "" when it does not parse.
func withoutSync(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if yaml.Unmarshal(data, &doc) != nil || doc == nil {
		return ""
	}
	delete(doc, "x-sync")
	out, err := json.Marshal(doc)
	if err != nil {
		return ""
	}
	vendor := filepath.Join(t.TempDir(), "vendor.json")
	if err := os.WriteFile(vendor, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return vendor
}
