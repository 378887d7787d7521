package transforms

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
)

// loadComposed loads testdata/composed.yaml, a document whose request
// bodies are composed with oneOf, anyOf and allOf.
func loadComposed(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join("testdata", "composed.yaml"))
	if err != nil {
		t.Fatalf("load composed.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("composed.yaml is invalid: %v", err)
	}
	return doc
}

// bodySchema returns the JSON request body schema of the operation at
// path's POST.
func bodySchema(t testing.TB, doc *openapi3.T, path string) *openapi3.Schema {
	t.Helper()
	return doc.Paths.Value(path).Post.RequestBody.Value.Content.Get("application/json").Schema.Value
}

// A create body declared as oneOf [array of items, item] accepts one
// record: its fields are converted to the item's types, so a decimal
// rendered as text is sent as a number.
func TestOneOfArrayOrItemCoercesTheItem(t *testing.T) {
	t.Parallel()
	target := bodySchema(t, loadComposed(t), "/items")
	tree := map[string]any{
		"name": "{{ r.name }}", "price": "{{ r.price|decimal:2 }}", "quantity": "{{ r.qty }}",
		"active": "{{ r.active }}", "since": "{{ r.since }}",
	}
	m, err := NewEnv().CompileMapping(tree, target)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Branch().String(); got != "oneOf/1 (#/components/schemas/ItemInput)" {
		t.Errorf("Branch = %q, want oneOf/1 (#/components/schemas/ItemInput)", got)
	}
	out, err := m.Apply(Vars{"r": map[string]any{"name": "Desk", "price": "12.5", "qty": "3", "active": "yes", "since": "05.01.2024"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "Desk", "price": json.Number("12.50"), "quantity": json.Number("3"), "active": true, "since": "2024-01-05"}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
	// The whole body schema accepts what the branch gave.
	if err := target.VisitJSON(map[string]any{"name": "Desk", "price": 12.5, "quantity": 3.0, "active": true, "since": "2024-01-05"}); err != nil {
		t.Errorf("the body schema refuses the mapped record: %v", err)
	}
}

// A field of the wrong type is named, with the branch it was checked
// against, instead of "doesn't match any schema from oneOf".
func TestOneOfErrorsNameTheField(t *testing.T) {
	t.Parallel()
	target := bodySchema(t, loadComposed(t), "/items")
	m, err := NewEnv().CompileMapping(map[string]any{"name": "{{ r.name }}", "price": "{{ r.price }}"}, target)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{"r": map[string]any{"name": "Desk", "price": "cheap"}})
	var re *RecordError
	if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Field != "/price" {
		t.Fatalf("Apply = %v, want one error on /price", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "oneOf/1 (#/components/schemas/ItemInput)") || strings.Contains(msg, "oneOf\"") {
		t.Errorf("error %q does not name the branch", msg)
	}
	_, err = m.Apply(Vars{"r": map[string]any{"price": "1"}})
	if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Field != "/name" {
		t.Fatalf("Apply = %v, want one error on the required /name", err)
	}
}

// Of several object branches, the one the mapping's fields fit is taken,
// together with the properties declared beside the choice; fields of an
// allOf branch are typed.
func TestAnyOfTakesTheBranchTheMappingFits(t *testing.T) {
	t.Parallel()
	target := bodySchema(t, loadComposed(t), "/parties")
	tests := []struct {
		name   string
		tree   map[string]any
		vars   map[string]any
		branch string
		want   map[string]any
	}{
		{
			name:   "person",
			tree:   map[string]any{"kind": "person", "firstName": "{{ r.first }}", "lastName": "{{ r.last }}", "born": "{{ r.born }}"},
			vars:   map[string]any{"first": "Eva", "last": "Ek", "born": "1.2.1990"},
			branch: "anyOf/0 (#/components/schemas/Person)",
			want:   map[string]any{"kind": "person", "firstName": "Eva", "lastName": "Ek", "born": "1990-02-01"},
		},
		{
			name:   "company",
			tree:   map[string]any{"kind": "company", "legalName": "{{ r.name }}", "employees": "{{ r.staff }}"},
			vars:   map[string]any{"name": "Ek AB", "staff": "1200"},
			branch: "anyOf/1 (#/components/schemas/Company)",
			want:   map[string]any{"kind": "company", "legalName": "Ek AB", "employees": json.Number("1200")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewEnv().CompileMapping(tt.tree, target)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Branch().String(); got != tt.branch {
				t.Errorf("Branch = %q, want %q", got, tt.branch)
			}
			out, err := m.Apply(Vars{"r": tt.vars})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
	// A mapping that misses a required field of every branch takes the
	// one declaring most of its fields, and the missing field is named.
	m, err := NewEnv().CompileMapping(map[string]any{"kind": "person", "firstName": "A", "born": "2000-01-01"}, target)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{})
	var re *RecordError
	if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Field != "/lastName" || !strings.Contains(re.Branch, "Person") {
		t.Fatalf("Apply = %v, want one error on /lastName of Person", err)
	}
	// The properties beside the choice still apply.
	m, err = NewEnv().CompileMapping(map[string]any{"kind": "robot", "firstName": "A", "lastName": "B"}, target)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{})
	if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Field != "/kind" {
		t.Fatalf("Apply = %v, want one error on /kind", err)
	}
}

// Without fields to go by, several object branches cannot be told apart:
// the target is taken whole.
func TestRecordSchemaWithoutKeys(t *testing.T) {
	t.Parallel()
	doc := loadComposed(t)
	if b := RecordSchema(bodySchema(t, doc, "/parties"), nil); b.Path != "" {
		t.Errorf("identity mapping of anyOf [Person, Company] took %s", b)
	}
	if b := RecordSchema(bodySchema(t, doc, "/items"), nil); b.Path != "/oneOf/1" {
		t.Errorf("identity mapping of oneOf [array, item] took %q, want /oneOf/1", b.Path)
	}
	if b := RecordSchema(nil, map[string]any{"a": "x"}); b.Schema != nil || b.Path != "" {
		t.Errorf("RecordSchema(nil) = %+v", b)
	}
}

// Variants alike but for a constant, as a discriminator's value: the
// branch whose enum holds the mapping's constant is taken.
func TestOneOfTakesTheVariantOfAConstant(t *testing.T) {
	t.Parallel()
	target := bodySchema(t, loadComposed(t), "/events")
	for _, tt := range []struct {
		kind   any
		branch string
		seats  any
		ties   []string
	}{
		{json.Number("1"), "/oneOf/1", json.Number("200"), nil},
		{"3", "/oneOf/0", "200", nil},
		{true, "/oneOf/0", "200", []string{"/oneOf/1"}}, // contradicts both: the first is taken
		{"{{ r.kind }}", "/oneOf/0", "200", []string{"/oneOf/1"}},
	} {
		m, err := NewEnv().CompileMapping(map[string]any{"kind": tt.kind, "name": "{{ r.name }}", "seats": "{{ r.seats }}"}, target)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Branch().Path; got != tt.branch {
			t.Errorf("kind %v: branch %q, want %q", tt.kind, got, tt.branch)
			continue
		}
		if diff := cmp.Diff(tt.ties, m.Branch().Ties); diff != "" {
			t.Errorf("kind %v: ties (-want +got):\n%s", tt.kind, diff)
		}
		out, _ := m.Apply(Vars{"r": map[string]any{"name": "Gala", "seats": "200"}})
		if out != nil && out["seats"] != tt.seats {
			t.Errorf("kind %v: seats %#v, want %#v", tt.kind, out["seats"], tt.seats)
		}
	}
}

// A mapping written for both variants renders one of them per record: a
// record the branch taken refuses is written as the other branch that
// accepts it.
func TestAnyOfRecordTakesTheBranchItFits(t *testing.T) {
	t.Parallel()
	target := bodySchema(t, loadComposed(t), "/parties")
	tree := map[string]any{
		"kind": "{{ r.kind }}", "firstName": "{{ r.first }}", "lastName": "{{ r.last }}",
		"legalName": "{{ r.name }}", "employees": "{{ r.staff }}",
	}
	m, err := NewEnv().CompileMapping(tree, target)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Apply(Vars{"r": map[string]any{"kind": "company", "name": "Ek AB", "staff": "12"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"kind": "company", "legalName": "Ek AB", "employees": json.Number("12")}, out); diff != "" {
		t.Errorf("company (-want +got):\n%s", diff)
	}
	out, err = m.Apply(Vars{"r": map[string]any{"kind": "person", "first": "Eva", "last": "Ek"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"kind": "person", "firstName": "Eva", "lastName": "Ek"}, out); diff != "" {
		t.Errorf("person (-want +got):\n%s", diff)
	}
	// Fitting no branch, the record fails with the errors of the branch
	// taken first.
	_, err = m.Apply(Vars{"r": map[string]any{"kind": "person", "first": "Eva"}})
	var re *RecordError
	if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Field != "/lastName" || !strings.Contains(re.Branch, "Person") {
		t.Fatalf("Apply = %v, want one error on /lastName of Person", err)
	}
}
