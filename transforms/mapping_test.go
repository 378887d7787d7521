package transforms

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/specsync/specsync/internal/golden"

	"github.com/google/go-cmp/cmp"
)

// tenantMapping compiles testdata/tenant_write.json against TenantInput.
func tenantMapping(t testing.TB) *Mapping {
	t.Helper()
	var tree map[string]any
	readJSON(t, filepath.Join("testdata", "tenant_write.json"), &tree)
	m, err := NewEnv().CompileMapping(tree, loadSchema(t, "TenantInput"))
	if err != nil {
		t.Fatalf("CompileMapping: %v", err)
	}
	return m
}

// outcome is what a golden file records of one Apply.
type outcome struct {
	Result map[string]any `json:"result,omitempty"`
	Errors []goldenError  `json:"errors,omitempty"`
}

type goldenError struct {
	Field  string `json:"field"`
	Filter string `json:"filter,omitempty"`
	Value  string `json:"value,omitempty"`
	Error  string `json:"error"`
}

func outcomeOf(t *testing.T, out map[string]any, err error) outcome {
	t.Helper()
	if err == nil {
		return outcome{Result: out}
	}
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("Apply error is %T, want *RecordError: %v", err, err)
	}
	var o outcome
	for _, f := range re.Fields {
		o.Errors = append(o.Errors, goldenError{f.Field, f.Filter, f.Value, f.Error()})
	}
	return o
}

// TestTenantWriteGolden maps the records under testdata/tenant_write and
// compares result or errors with the golden files next to them.
func TestTenantWriteGolden(t *testing.T) {
	t.Parallel()
	m := tenantMapping(t)
	files, _ := filepath.Glob(filepath.Join("testdata", "tenant_write", "*.vars.json"))
	if len(files) == 0 {
		t.Fatal("no test records")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".vars.json")
		t.Run(name, func(t *testing.T) {
			var vars Vars
			readJSON(t, file, &vars)
			out, err := m.Apply(vars)
			got, jerr := json.MarshalIndent(outcomeOf(t, out, err), "", "  ")
			if jerr != nil {
				t.Fatal(jerr)
			}
			golden.Check(t, strings.TrimSuffix(file, ".vars.json")+".golden.json", append(got, '\n'))
		})
	}
}

// TestBatchAndSingleAgree checks that the joined pongo2 run of templates
// the chain cannot take gives the same results and errors as running
// every field alone.
func TestBatchAndSingleAgree(t *testing.T) {
	t.Parallel()
	tree := map[string]any{
		"either":  "{{ r.a or r.b }}",
		"first":   "{{ r.list.0|upper }}",
		"sum":     "{{ r.n|add:r.list.1|decimal:2 }}",
		"literal": `{{ "x"|upper }}`,
		"label":   "{{ r.list.1|default:1.5 }}",
		"chained": "{{ r.a|default:'none' }}",
		"text":    "{{ r.a }}-{{ r.b }}",
	}
	m, err := NewEnv().CompileMapping(tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.batch == nil || len(m.batched) != 5 {
		t.Fatalf("batched %d templates, want 5", len(m.batched))
	}
	single := *m
	single.batch, single.batched = nil, nil
	for i, vars := range []Vars{
		{"r": map[string]any{"a": "A", "list": []any{"p", "2,5"}, "n": json.Number("1")}},
		{"r": map[string]any{"b": true, "list": []any{"q"}}},
		{"r": map[string]any{"list": []any{"q", "no number"}, "n": "1"}},
		{"r": map[string]any{"list": "text"}},
		nil,
	} {
		outB, errB := m.Apply(vars)
		outS, errS := single.Apply(vars)
		if diff := cmp.Diff(outcomeOf(t, outS, errS), outcomeOf(t, outB, errB)); diff != "" {
			t.Errorf("vars %d: batched differs from single (-single +batched):\n%s", i, diff)
		}
	}
}

func TestCompileMappingListsAllProblems(t *testing.T) {
	t.Parallel()
	tree := map[string]any{
		"a":    "{{ x|nosuchfilter }}",
		"ok":   "{{ x }}",
		"meta": map[string]any{"source": "{% if %}"},
		"list": []any{"{{ y }}", "{{ z|map:'broken' }}"},
		"obj":  struct{}{},
	}
	_, err := NewEnv().CompileMapping(tree, nil)
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *CompileError", err)
	}
	var fields []string
	for _, p := range ce.Problems {
		fields = append(fields, p.Field)
	}
	want := []string{"/a", "/list/1", "/meta/source", "/obj"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s", diff)
	}
	var te *TemplateError
	if !errors.As(ce.Problems[0].Err, &te) || te.Line != 1 || te.Column != 6 {
		t.Errorf("problem /a = %#v, want a TemplateError at line 1 column 6", ce.Problems[0].Err)
	}
	var ae *ArgumentError
	if !errors.As(ce.Problems[1].Err, &ae) || ae.Filter != "map" {
		t.Errorf("problem /list/1 = %v, want an ArgumentError of map", ce.Problems[1].Err)
	}
}

func TestFieldsAndTemplates(t *testing.T) {
	t.Parallel()
	tree := map[string]any{
		"a/b":  "{{ x }}",
		"n":    json.Number("5"),
		"meta": map[string]any{"source": "{{ s }}"},
		"list": []any{"{{ y }}", true},
	}
	m, err := NewEnv().CompileMapping(tree, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/a~1b", "/list/0", "/list/1", "/meta/source", "/n"}, m.Fields()); diff != "" {
		t.Errorf("Fields (-want +got):\n%s", diff)
	}
	wantT := map[string]string{"/a~1b": "{{ x }}", "/list/0": "{{ y }}", "/meta/source": "{{ s }}"}
	if diff := cmp.Diff(wantT, m.Templates()); diff != "" {
		t.Errorf("Templates (-want +got):\n%s", diff)
	}
}

func TestIdentityMapping(t *testing.T) {
	t.Parallel()
	m, err := NewEnv().CompileMapping(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := map[string]any{"id": json.Number("7"), "rent": 12.5, "tags": []any{"a"}, "sub": map[string]any{"x": nil}}
	out, err := m.Apply(Vars{IdentityVar: rec})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": json.Number("7"), "rent": json.Number("12.5"), "tags": []any{"a"}, "sub": map[string]any{"x": nil}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	out["sub"].(map[string]any)["x"] = "changed"
	if rec["sub"].(map[string]any)["x"] != nil {
		t.Error("identity mapping returned the input instead of a copy")
	}
	if _, err := m.Apply(Vars{"lease": rec}); !errors.Is(err, errNoRecord) {
		t.Errorf("Apply without record: %v, want errNoRecord", err)
	}
}

func TestIdentityMappingValidates(t *testing.T) {
	t.Parallel()
	m, err := NewEnv().CompileMapping(nil, loadSchema(t, "Typed"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{IdentityVar: map[string]any{"count": "many"}})
	var re *RecordError
	if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Field != "/count" {
		t.Fatalf("Apply = %v, want one error on /count", err)
	}
}

func TestCoercion(t *testing.T) {
	t.Parallel()
	tree := map[string]any{
		"count":  "{{ r.count }}",
		"ratio":  "{{ r.ratio }}",
		"active": "{{ r.active }}",
		"day":    "{{ r.day }}",
		"at":     "{{ r.at|tz:'Europe/Berlin' }}",
		"tags":   "{{ r.tags|split:',' }}",
		"sizes":  "{{ r.sizes }}",
		"extra":  "{{ r.extra }}",
		"label":  "{{ r.label }}",
	}
	m, err := NewEnv().CompileMapping(tree, loadSchema(t, "Typed"))
	if err != nil {
		t.Fatal(err)
	}
	r := map[string]any{
		"count": "1.234.567", "ratio": "0,125", "active": "Ja", "day": "05.01.2024",
		"at": "2024-06-30T22:30:00Z", "tags": "a, b ,c", "sizes": []any{json.Number("1"), "2", ""},
		"extra": map[string]any{"k": 1.5}, "label": json.Number("42"),
	}
	out, err := m.Apply(Vars{"r": r})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"count": json.Number("1234567"), "ratio": json.Number("0.125"), "active": true,
		"day": "2024-01-05", "at": "2024-07-01T00:30:00+02:00", "tags": []any{"a", "b", "c"},
		"sizes": []any{json.Number("1"), json.Number("2")}, "extra": map[string]any{"k": json.Number("1.5")},
		"label": "42",
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
}

func TestCoercionFailures(t *testing.T) {
	t.Parallel()
	tree := map[string]any{
		"count": "{{ r.count }}", "ratio": "{{ r.ratio }}", "active": "{{ r.active }}",
		"day": "{{ r.day }}", "at": "{{ r.at }}", "tags": "{{ r.tags }}", "label": "{{ r.label }}",
	}
	m, err := NewEnv().CompileMapping(tree, loadSchema(t, "Typed"))
	if err != nil {
		t.Fatal(err)
	}
	r := map[string]any{
		"count": "1.5", "ratio": "1.234", "active": "vielleicht", "day": "2024-02-30",
		"at": "2024-06-30", "tags": "a,b", "label": []any{"x"},
	}
	_, err = m.Apply(Vars{"r": r})
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("Apply = %v, want *RecordError", err)
	}
	var fields []string
	for _, f := range re.Fields {
		fields = append(fields, f.Field)
	}
	want := []string{"/active", "/at", "/count", "/day", "/label", "/ratio", "/tags"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("failing fields (-want +got):\n%s\n%v", diff, err)
	}
}

func TestRequiredEmptyAndOptionalOmitted(t *testing.T) {
	t.Parallel()
	tree := map[string]any{"count": "{{ r.count }}", "label": "{{ r.label }}", "extra": map[string]any{"x": "{{ r.none }}"}}
	m, err := NewEnv().CompileMapping(tree, loadSchema(t, "Typed"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{"r": map[string]any{"label": " "}})
	var re *RecordError
	if !errors.As(err, &re) || len(re.Fields) != 1 || !errors.Is(re.Fields[0].Err, ErrRequiredField) || re.Fields[0].Field != "/count" {
		t.Fatalf("Apply = %v, want only /count: required field is empty", err)
	}
	out, err := m.Apply(Vars{"r": map[string]any{"count": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"count": json.Number("3")}, out); diff != "" {
		t.Errorf("optional empty fields are not left out (-want +got):\n%s", diff)
	}
}

func TestConstantsAndArrays(t *testing.T) {
	t.Parallel()
	tree := map[string]any{
		"externalTenantId": "{{ l.id }}", "unitId": "u", "externalUnitId": "{{ l.unit }}",
		"firstName": "A", "lastName": "B", "meta": map[string]any{"source": "erp"},
		"additionalTenants": []any{
			map[string]any{"externalId": "{{ l.co.id }}", "firstName": "{{ l.co.first }}"},
			map[string]any{"externalId": "{{ l.nobody.id }}"},
		},
	}
	m, err := NewEnv().CompileMapping(tree, loadSchema(t, "TenantInput"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Apply(Vars{"l": map[string]any{"id": "1", "unit": "2", "co": map[string]any{"id": "c1", "first": "Eva"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"externalTenantId": "1", "unitId": "u", "externalUnitId": "2", "firstName": "A", "lastName": "B",
		"meta":              map[string]any{"source": "erp"},
		"additionalTenants": []any{map[string]any{"externalId": "c1", "firstName": "Eva"}},
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
}

func TestSchemaViolationsBecomeFieldErrors(t *testing.T) {
	t.Parallel()
	tree := map[string]any{
		"externalTenantId": "{{ l.id }}", "unitId": "u", "externalUnitId": "e",
		"firstName": "{{ l.long }}", "lastName": "B", "coldRent": "{{ l.rent }}",
		"unknownField": "x",
	}
	m, err := NewEnv().CompileMapping(tree, loadSchema(t, "TenantInput"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{"l": map[string]any{"id": "1", "long": strings.Repeat("x", 101), "rent": "12.5"}})
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("Apply = %v, want *RecordError", err)
	}
	var fields []string
	for _, f := range re.Fields {
		var sv *SchemaViolation
		if !errors.As(f.Err, &sv) {
			t.Errorf("%s: %v is not a SchemaViolation", f.Field, f.Err)
		}
		fields = append(fields, f.Field)
	}
	want := []string{"", "/coldRent", "/firstName", "/meta"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
	}
	if !strings.Contains(re.Fields[0].Error(), "unknownField") {
		t.Errorf("record error %q does not name the unsupported property", re.Fields[0].Error())
	}
}

func TestApplyConcurrent(t *testing.T) {
	t.Parallel()
	m := tenantMapping(t)
	var vars Vars
	readJSON(t, filepath.Join("testdata", "tenant_write", "complete.vars.json"), &vars)
	want, err := m.Apply(vars)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				got, err := m.Apply(vars)
				if err != nil || !cmp.Equal(want, got) {
					errs <- cmp.Diff(want, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for d := range errs {
		t.Errorf("concurrent Apply differs: %s", d)
	}
}

func TestApplyIsHashStable(t *testing.T) {
	t.Parallel()
	m := tenantMapping(t)
	var vars Vars
	readJSON(t, filepath.Join("testdata", "tenant_write", "instants.vars.json"), &vars)
	first, err := m.Apply(vars)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(first)
	for range 20 {
		again, _ := m.Apply(vars)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatalf("payload changed between runs:\n%s\n%s", a, b)
		}
	}
}
