package specs_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

// withSchemaKey returns the JSON or YAML document data with a root
// "$schema" member first (on the first line of JSON, so that positions
// stay).
func withSchemaKey(name string, data []byte) []byte {
	if filepath.Ext(name) == ".json" {
		return bytes.Replace(data, []byte("{"), []byte(`{"$schema": "https://example.org/x.schema.json",`), 1)
	}
	return append([]byte("$schema: https://example.org/x.schema.json\n"), data...)
}

// TestLoadIgnoresSchemaKey loads specs (OpenAPI 3.0), a model (3.1),
// both forms of overlay and a Swagger 2.0 vendor document, each once as
// it is and once naming its JSON Schema with a root "$schema": the
// findings are the same, and no overlay merges the key into the
// document it extends.
func TestLoadIgnoresSchemaKey(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"../examples/realestate/erp.json", "../examples/realestate/model.json",
		"../examples/realestate/everreal-staging.overlay.yaml", "../examples/realestate/casavi-notes.overlay.yaml",
		filepath.Join(overlayDir, "simple.json"), filepath.Join(overlayDir, "actions.yaml")} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			plain := loadCodes(t, path, data)
			marked := loadCodes(t, path, withSchemaKey(path, data))
			if diff := cmp.Diff(plain, marked); diff != "" {
				t.Errorf("findings differ with a $schema key (-without +with):\n%s", diff)
			}
		})
	}
}

// loadCodes loads data as the file at path and returns "code pointer"
// of its findings.
func loadCodes(t *testing.T, path string, data []byte) []string {
	t.Helper()
	spec, found, err := specs.LoadBytes(path, data, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if spec != nil && spec.Doc != nil {
		if _, ok := spec.Doc.Extensions[specs.SchemaKey]; ok {
			t.Errorf("%s: $schema reached the loaded document", path)
		}
	}
	return overlayFindingCodes(found)
}
