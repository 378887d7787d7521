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
	composed := mustLoad(t, "testdata/composed.json")
	const body = "#/paths/~1items/post/requestBody/content/application~1json/schema"
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
		{composed, body + "/oneOf/0", "array"},
		{composed, body + "/oneOf/1", "object"},
		{composed, body + "/oneOf/1/properties/price", "number"},
		{composed, body + "/oneOf/2", ""},
		{composed, "#/paths/~1items/get/responses/200/content/application~1json/schema/allOf/0", "object"},
		{composed, "#/paths/~1items/get/responses/201/content/application~1json/schema", ""},
		{composed, "#/paths/~1items/put/requestBody/content/application~1json/schema", ""},
		{composed, "#/paths/~1nope/post/requestBody/content/application~1json/schema", ""},
		{composed, "#/paths/~1items/post/requestBody/content/text~1plain/schema", ""},
		{composed, "#/paths/~1items/post/requestBody/content/application~1json", ""},
		{composed, "#/paths/~1items/post/parameters/0/schema", ""},
		{composed, "#/paths/~1items", ""},
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
