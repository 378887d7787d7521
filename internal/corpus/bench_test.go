package corpus_test

import (
	"testing"

	"github.com/specsync/specsync/specs"
)

// BenchmarkValidate validates the largest document through its overlay, as
// `specsync validate` does, with the commands' default options.
//
//	go test ./internal/corpus -run '^$' -bench Validate -benchmem
func BenchmarkValidate(b *testing.B) {
	d := documentOf(b, largest)
	b.ReportAllocs()
	for b.Loop() {
		if fs := specs.ValidateFiles("", []string{d.overlay()}, loadOptions()); fs.HasErrors() {
			b.Fatalf("%s has errors:\n%s", d.overlay(), errorsOf(fs))
		}
	}
}
