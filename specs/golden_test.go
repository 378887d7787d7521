package specs_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/specs"
)

// goldenModel is the model the spec fixtures are validated against.
const goldenModel = "testdata/model.json"

// loadOptions loads with the built-in plug-ins, so that auth and
// pagination configs are checked as the commands check them.
func loadOptions() specs.LoadOptions {
	return specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()}
}

// TestGolden loads every fixture under testdata (specs and models) and
// compares its findings, in their String form, with the fixture's .golden
// file. Specs are also validated against testdata/model.json.
func TestGolden(t *testing.T) {
	t.Parallel()
	model, _, err := specs.LoadModel(goldenModel, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range fixtures(t) {
		t.Run(strings.TrimPrefix(path, "testdata/"), func(t *testing.T) {
			golden.Check(t, strings.TrimSuffix(path, filepath.Ext(path))+".golden", []byte(renderFindings(loadFixture(path, model))))
		})
	}
}

// fixtures lists the fixture files: testdata/*.{json,yaml} and
// testdata/refs/*.{json,yaml} and testdata/overlay/*.{json,yaml} (not the
// vendor documents those extend).
func fixtures(t *testing.T) []string {
	var out []string
	for _, dir := range []string{"testdata", "testdata/refs", "testdata/overlay"} {
		for _, ext := range []string{"json", "yaml"} {
			m, err := filepath.Glob(filepath.Join(dir, "*."+ext))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, m...)
		}
	}
	slices.Sort(out)
	return out
}

// loadFixture loads a spec or model fixture and returns its findings, or
// the error of an unreadable file.
func loadFixture(path string, model *specs.Model) (specs.Findings, error) {
	if specs.IsModelFile(path) {
		_, fs, err := specs.LoadModel(path, loadOptions())
		return fs, err
	}
	spec, fs, err := specs.Load(path, loadOptions())
	if spec != nil {
		fs = append(fs, specs.Validate(spec, model)...)
	}
	return fs, err
}

// renderFindings writes findings (or the load error) one per line.
func renderFindings(fs specs.Findings, err error) string {
	var b strings.Builder
	var re *specs.ReadError
	switch {
	case errors.As(err, &re):
		b.WriteString("unreadable: " + re.Error() + "\n")
	case err != nil:
		b.WriteString("error: " + err.Error() + "\n")
	}
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	if b.Len() == 0 {
		return "no findings\n"
	}
	return b.String()
}
