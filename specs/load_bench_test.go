package specs

import (
	"os"
	"testing"
)

// BenchmarkLoad measures loading and checking a spec from bytes.
func BenchmarkLoad(b *testing.B) {
	for _, path := range []string{"testdata/valid.json", "testdata/valid_graphql.yaml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(path[len("testdata/"):], func(b *testing.B) {
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
