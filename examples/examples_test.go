package examples

import (
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// loadOptions loads with the built-in plug-ins, as the commands do.
var loadOptions = specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()}

// modelPath is the real-estate model; the connector specs of the example
// and most broken specs are validated against it.
const modelPath = "realestate/model.json"

// specPaths are the connector specs of the real-estate example.
var specPaths = []string{"realestate/erp.json", "realestate/everreal.json", "realestate/casavi.json"}

// loadModel loads the real-estate model and fails on any finding.
func loadModel(t *testing.T) *specs.Model {
	t.Helper()
	model, fs, err := specs.LoadModel(modelPath, loadOptions)
	if err != nil {
		t.Fatal(err)
	}
	requireNoFindings(t, fs)
	if model == nil {
		t.Fatalf("%s: no model", modelPath)
	}
	return model
}

// requireNoFindings fails with every finding, warnings included.
func requireNoFindings(t *testing.T, fs specs.Findings) {
	t.Helper()
	if len(fs) == 0 {
		return
	}
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = f.String()
	}
	t.Fatalf("%d findings:\n%s", len(fs), strings.Join(lines, "\n"))
}

// TestRealEstateModel checks that the model loads without findings and
// orders the entities as the partners need them: owners before the
// economic units they own, tenants and units before leases.
func TestRealEstateModel(t *testing.T) {
	t.Parallel()
	model := loadModel(t)
	want := []string{"owner", "economic_unit", "building", "tenant", "unit", "lease", "owner_contract", "prospect"}
	if diff := cmp.Diff(want, model.Order); diff != "" {
		t.Errorf("dependency order (-want +got):\n%s", diff)
	}
}

// TestRealEstateSpecs loads every connector spec of the example and
// validates it against the model; not a single finding is allowed.
func TestRealEstateSpecs(t *testing.T) {
	t.Parallel()
	model := loadModel(t)
	for _, path := range specPaths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			spec, fs, err := specs.Load(path, loadOptions)
			if err != nil {
				t.Fatal(err)
			}
			requireNoFindings(t, fs)
			requireNoFindings(t, specs.Validate(spec, model))
		})
	}
}

// TestValidateFiles runs the whole example through ValidateFiles, the
// entry point of the validate command.
func TestValidateFiles(t *testing.T) {
	t.Parallel()
	requireNoFindings(t, specs.ValidateFiles(modelPath, specPaths, loadOptions))
}

// TestEverRealImportOrder pins the order EverReal documents for imports:
// owners, property groups, properties, units, tenants.
func TestEverRealImportOrder(t *testing.T) {
	t.Parallel()
	model := loadModel(t)
	spec, _, err := specs.Load("realestate/everreal.json", loadOptions)
	if err != nil || spec == nil {
		t.Fatalf("loading everreal.json: %v", err)
	}
	want := []string{"owner", "propertyGroup", "property", "unit", "tenant", "candidate"}
	if diff := cmp.Diff(want, spec.Order(model)); diff != "" {
		t.Errorf("entity order (-want +got):\n%s", diff)
	}
}

// TestInvalid loads every file under invalid/ and compares its findings,
// one String() per line, with NAME.golden. A file's name starts with the
// finding code it is about (unknown-key_did-you-mean.json); that code
// must be among its findings. Models are loaded alone, specs are also
// validated against the real-estate model.
func TestInvalid(t *testing.T) {
	t.Parallel()
	model := loadModel(t)
	files := invalidFiles(t)
	if len(files) == 0 {
		t.Fatal("no files under invalid/")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			fs, err := loadInvalid(path, model)
			checkCodes(t, path, fs, err)
			golden.Check(t, strings.TrimSuffix(path, filepath.Ext(path))+".golden", []byte(renderFindings(fs, err)))
		})
	}
}

// invalidFiles lists invalid/*.json and invalid/*.yaml.
func invalidFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"invalid/*.json", "invalid/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	slices.Sort(out)
	return out
}

// loadInvalid loads a broken model or spec and returns its findings.
func loadInvalid(path string, model *specs.Model) (specs.Findings, error) {
	if specs.IsModelFile(path) {
		_, fs, err := specs.LoadModel(path, loadOptions)
		return fs, err
	}
	spec, fs, err := specs.Load(path, loadOptions)
	if spec != nil {
		fs = append(fs, specs.Validate(spec, model)...)
	}
	return fs, err
}

// expectedCodes returns the codes a broken file must produce: the code its
// name starts with or, for files making many mistakes at once, the list
// of manyMistakes.
func expectedCodes(path string) []string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if codes, ok := manyMistakes[name]; ok {
		return codes
	}
	code, _, _ := strings.Cut(name, "_")
	return []string{code}
}

// manyMistakes names the files that make several mistakes, to show that
// all are reported at once, with the codes each must produce.
var manyMistakes = map[string][]string{
	"many-mistakes": {
		"unknown-key", "invalid-value", "missing-key", "literal-secret",
		"unknown-operation", "unknown-parameter", "unknown-write-field", "unmapped-required-field",
		"template-error", "unknown-entity", "unknown-model-field",
	},
}

// followUps are the codes a file about one mistake may report besides its
// own: a GraphQL write without "input" has its mapping checked against the
// GraphQL request envelope.
var followUps = map[string][]string{
	"missing-input": {"unknown-write-field", "unmapped-required-field"},
}

// checkCodes fails when an expected code is missing from the findings, or
// when a file about one mistake reports findings of other codes.
func checkCodes(t *testing.T, path string, fs specs.Findings, err error) {
	t.Helper()
	want := expectedCodes(path)
	got := map[string]bool{}
	for _, f := range fs {
		got[f.Code] = true
		if len(want) == 1 && f.Code != want[0] && !slices.Contains(followUps[want[0]], f.Code) {
			t.Errorf("%s is about %s but also reports: %s", path, want[0], f)
		}
	}
	var re *specs.ReadError
	if errors.As(err, &re) {
		got[re.Finding().Code] = true
	}
	for _, code := range want {
		if !got[code] {
			t.Errorf("%s: no %s finding; got %v", path, code, slices.Sorted(maps.Keys(got)))
		}
	}
}

// renderFindings writes the findings, or the read error as a finding, one per line.
func renderFindings(fs specs.Findings, err error) string {
	var b strings.Builder
	var re *specs.ReadError
	switch {
	case errors.As(err, &re):
		b.WriteString(re.Finding().String() + "\n")
	case err != nil:
		b.WriteString("error: " + err.Error() + "\n")
	}
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}
