package specs

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader, the model loader and the
// model checks: they may report anything but must not panic.
func FuzzLoad(f *testing.F) {
	for _, path := range []string{"testdata/valid.json", "testdata/valid_graphql.yaml", "testdata/operations.json",
		"testdata/decode_errors.json", "testdata/swagger2.json", "testdata/model.json", "testdata/model_errors.json"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"openapi": "3.0.3", "x-sync": {"entities": {"a": {"write": {"b": [1, {"c": null}]}}}}}`))
	model, _, err := LoadModel(goldenModel, LoadOptions{})
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	// Overlays of the fixtures' vendor document, copied beside the input.
	for _, name := range []string{"simple.json", "actions.yaml", "chained.json", "vendor/openapi.json", "vendor/schemas.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata/overlay", name))
		if err != nil {
			f.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, "vendor"), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(dir, "fuzz.json")
		spec, fs, err := LoadBytes(name, data, LoadOptions{})
		if spec == nil && err == nil && !fs.HasErrors() {
			t.Fatalf("no spec, no error and no error finding: %v", fs)
		}
		if spec != nil {
			Validate(spec, model)
			spec.Order(model)
		}
		if m, _, _ := LoadModelBytes(name, data, LoadOptions{}); m != nil {
			Validate(&Spec{Sync: &Sync{}, Doc: m.Doc}, m)
		}
	})
}
