package specs

import (
	"path/filepath"
	"testing"
)

// TestExamplesValidate checks that the real-estate example (its model and
// connector specs) loads and validates with no error finding. It is
// skipped while the example has no files.
func TestExamplesValidate(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../examples/realestate/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var model string
	var specPaths []string
	for _, f := range files {
		if IsModelFile(f) {
			model = f
		} else {
			specPaths = append(specPaths, f)
		}
	}
	if len(specPaths) == 0 {
		t.Skip("no example specs yet")
	}
	for _, f := range ValidateFiles(model, specPaths, LoadOptions{}) {
		if f.Severity == SeverityError {
			t.Error(f)
		}
	}
}
