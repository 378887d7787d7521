package specs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// largeDocument is a published document of 3.4 MB (OpenAI's, OpenAPI 3.1
// in JSON), from the corpus of vendor documents.
const largeDocument = "../internal/corpus/testdata/openai/openapi.json"

// BenchmarkLoad measures loading and checking a spec from bytes, and
// loading a large vendor document (without an x-sync: its findings say so).
func BenchmarkLoad(b *testing.B) {
	for _, path := range []string{"testdata/valid.json", "testdata/valid_graphql.yaml", largeDocument} {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) && path == largeDocument {
			b.Logf("%s is missing: not measured", path)
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := LoadBytes(path, data, LoadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate measures the model-dependent checks of a loaded spec.
func BenchmarkValidate(b *testing.B) {
	model, _, err := LoadModel(goldenModel, LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	spec, _, err := Load("testdata/valid_graphql.yaml", LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Validate(spec, model)
	}
}

// BenchmarkSchema measures generating the x-sync JSON Schema.
func BenchmarkSchema(b *testing.B) {
	for b.Loop() {
		if _, err := Schema(nil); err != nil {
			b.Fatal(err)
		}
	}
}
