package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSchemaAt(t *testing.T) {
	t.Parallel()
	model, _, err := LoadModel(goldenModel, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ops := mustLoad(t, "testdata/operations.json")
	tests := []struct {
		spec    *Spec
		pointer string
		want    string // the schema's type, "" for nil
	}{
		{&Spec{Doc: model.Doc}, "#/components/schemas/Lease", "object"},
		{&Spec{Doc: model.Doc}, "#/components/schemas/Lease/properties/start", "string"},
		{ops, "#/components/schemas/Owner/properties/tags/items", "object"},
		{ops, "#/components/schemas/Owner/properties/tags/items/properties/label", "string"},
		{ops, "#/components/schemas/Owner/properties/extra/additionalProperties", ""}, // true, not a schema
		{ops, "#/components/schemas/OwnerPage/properties/items/items/properties/address", "object"},
		{ops, "#/components/schemas/Nope", ""},
		{ops, "#/components/schemas/Owner/properties/nope", ""},
		{ops, "#/components/parameters/X", ""},
		{ops, "other.json#/components/schemas/Owner", ""},
		{ops, "", ""},
		{&Spec{}, "#/components/schemas/Owner", ""},
	}
	for _, tt := range tests {
		s := schemaAt(tt.spec.Doc, tt.pointer)
		got := ""
		if s != nil {
			got = s.Type.Slice()[0]
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("schemaAt(%q) (-want +got):\n%s", tt.pointer, diff)
		}
	}
}
