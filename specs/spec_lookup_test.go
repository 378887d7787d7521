package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSpecOperation(t *testing.T) {
	t.Parallel()
	spec := mustLoad(t, "testdata/valid.json")
	tests := []struct {
		id, method, path string
		params           int // operation and path item parameters
	}{
		{"listUnits", "GET", "/units", 3},
		{"createUnit", "POST", "/units", 1},
		{"updateUnit", "PUT", "/units/{unitId}", 1},
		{"deleteUnit", "DELETE", "/units/{unitId}", 1},
	}
	for _, tt := range tests {
		op, ok := spec.Operation(tt.id)
		if !ok {
			t.Errorf("Operation(%q) not found", tt.id)
			continue
		}
		got := []any{op.ID, op.Method, op.Path, len(operationParams(op))}
		if diff := cmp.Diff([]any{tt.id, tt.method, tt.path, tt.params}, got); diff != "" {
			t.Errorf("Operation(%q) (-want +got):\n%s", tt.id, diff)
		}
	}
	if _, ok := spec.Operation("nope"); ok {
		t.Error("Operation(nope) found something")
	}
	byHand := &Spec{Doc: spec.Doc}
	if op, ok := byHand.Operation("createUnit"); !ok || op.Method != "POST" {
		t.Errorf("Operation on a Spec built by hand = %+v, %v", op, ok)
	}
}

func TestWriteSchema(t *testing.T) {
	t.Parallel()
	spec := mustLoad(t, "testdata/valid.json")
	unit, ok := spec.Entity("unit")
	if !ok {
		t.Fatal("no entity unit")
	}
	create := spec.WriteSchema(unit.Create)
	if got := propertyNames(create); !cmp.Equal(got, []string{"address", "area", "externalId", "number"}) {
		t.Errorf("request body schema of createUnit has %v", got)
	}
	withInput := *unit.Create
	withInput.Input = "#/components/schemas/Address"
	if got := requiredNames(spec.WriteSchema(&withInput)); !cmp.Equal(got, []string{"city", "street"}) {
		t.Errorf("input schema requires %v", got)
	}
	if s := spec.WriteSchema(unit.Delete); s != nil {
		t.Errorf("deleteUnit has no body, got %v", s)
	}
	gql := mustLoad(t, "testdata/valid_graphql.yaml")
	tenant, _ := gql.Entity("tenant")
	if s := gql.WriteSchema(tenant.Upsert); s == nil || s.Properties["externalTenantId"] == nil {
		t.Errorf("GraphQL upsert input schema = %v", s)
	}
}

func TestSpecOrder(t *testing.T) {
	t.Parallel()
	model, fs, err := LoadModel(goldenModel, LoadOptions{})
	if err != nil || len(fs) > 0 {
		t.Fatal(err, fs)
	}
	spec := &Spec{Sync: &Sync{Entities: map[string]*Entity{
		"contract": {Model: "lease"}, "flat": {Model: "unit"}, "house": {Model: "building"},
		"renter": {Model: "tenant"}, "zz": {Model: "unknown"}, "aa": {Model: "unknown"},
		"person": {Model: "tenant"},
	}}}
	want := []string{"house", "person", "renter", "flat", "contract", "aa", "zz"}
	if diff := cmp.Diff(want, spec.Order(model)); diff != "" {
		t.Errorf("Order (-want +got):\n%s", diff)
	}
}

// mustLoad loads a fixture whose OpenAPI document loads.
func mustLoad(t *testing.T, path string) *Spec {
	t.Helper()
	spec, fs, err := Load(path, LoadOptions{})
	if err != nil || spec == nil {
		t.Fatalf("Load(%s): %v %v", path, err, fs)
	}
	return spec
}
