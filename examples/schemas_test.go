package examples

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/specs"
)

// schemaDir holds the JSON Schemas of specsync's files.
const schemaDir = "../docs/schemas"

// notExamples are the folders of examples/ whose files are not files a
// user writes: broken specs (TestInvalid checks them), records and
// mapped payloads, the stand-ins' own data.
var notExamples = []string{"invalid", "testdata", "realestate/records", "standins"}

// exampleSchema names the schema an example file is checked against, by
// where it lives and what it holds; "" for a file no rule covers.
func exampleSchema(path string, doc map[string]any) string {
	base := filepath.Base(path)
	switch {
	case strings.Contains(base, ".overlay."):
		return "overlay.schema.json"
	case filepath.Base(filepath.Dir(path)) == "instances":
		return "instance.schema.json"
	case strings.HasPrefix(base, "notify"):
		return "notify.schema.json"
	case doc["x-model"] != nil:
		return "model.schema.json"
	case doc["x-sync"] != nil:
		return "spec.schema.json"
	}
	return ""
}

// TestExamplesMatchSchemas validates every file a user would write in
// examples/ (specs, the model, overlays, instances, notifications)
// against the schema an editor checks it with, and fails on a file no
// schema covers.
func TestExamplesMatchSchemas(t *testing.T) {
	schemas := compileSchemas(t, schemaDir)
	checked := map[string]int{}
	for _, path := range exampleFiles(t) {
		doc := readDocument(t, path)
		name := exampleSchema(path, doc)
		if name == "" {
			t.Errorf("%s: no schema covers this example; add a rule to exampleSchema", path)
			continue
		}
		checked[name]++
		if err := schemas[name].Validate(doc); err != nil {
			t.Errorf("%s does not match %s:\n%v", path, name, err)
		}
	}
	for _, name := range []string{"spec.schema.json", "model.schema.json", "overlay.schema.json", "instance.schema.json", "notify.schema.json"} {
		if checked[name] == 0 {
			t.Errorf("no example is checked against %s", name)
		}
	}
}

// exampleFiles lists the JSON and YAML files under examples/ but
// notExamples.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && isNotExample(path):
			return filepath.SkipDir
		case !d.IsDir() && strings.Contains(".json .yaml .yml", filepath.Ext(path)) && filepath.Ext(path) != "":
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func isNotExample(path string) bool {
	for _, dir := range notExamples {
		if path == filepath.FromSlash(dir) {
			return true
		}
	}
	return false
}

// readDocument reads a JSON or YAML file as the JSON value a schema
// validates.
func readDocument(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	js, err := json.Marshal(tree)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(js)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s holds no object", path)
	}
	return doc
}

// compileSchemas compiles every schema of dir, each under its $id, so
// that nothing is fetched; the result is keyed by file name.
func compileSchemas(t *testing.T, dir string) map[string]*jsonschema.Schema {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.schema.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas in %s: %v", dir, err)
	}
	c := jsonschema.NewCompiler()
	ids := map[string]string{}
	for _, f := range files {
		id, err := addSchema(c, f)
		if err != nil {
			t.Fatal(err)
		}
		ids[filepath.Base(f)] = id
	}
	out := map[string]*jsonschema.Schema{}
	for name, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// addSchema adds the schema file f to c under its $id, which must be
// specs.SchemaBaseURL and the file's name.
func addSchema(c *jsonschema.Compiler, f string) (string, error) {
	r, err := os.Open(f)
	if err != nil {
		return "", err
	}
	defer r.Close()
	doc, err := jsonschema.UnmarshalJSON(r)
	if err != nil {
		return "", fmt.Errorf("%s: %w", f, err)
	}
	id, _ := doc.(map[string]any)["$id"].(string)
	if want := specs.SchemaBaseURL + filepath.Base(f); id != want {
		return "", fmt.Errorf("%s: $id %q, want %q", f, id, want)
	}
	return id, c.AddResource(id, doc)
}
