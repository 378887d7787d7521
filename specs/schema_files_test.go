package specs_test

import (
	"testing"

	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/specs"
)

// TestFileSchemas fails when a schema of a whole file in docs/schemas
// differs from what the Go types and the built-in plug-ins generate;
// -update rewrites them.
func TestFileSchemas(t *testing.T) {
	t.Parallel()
	plugins := loadOptions().Plugins
	for file, gen := range map[string]func() ([]byte, error){
		"spec.schema.json":    func() ([]byte, error) { return specs.SpecFileSchema(plugins) },
		"overlay.schema.json": func() ([]byte, error) { return specs.OverlaySchema(plugins) },
		"model.schema.json":   specs.ModelFileSchema,
	} {
		got, err := gen()
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "../docs/schemas/"+file, got)
	}
}
