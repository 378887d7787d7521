package instance

import (
	"testing"

	"github.com/specsync/specsync/internal/golden"
)

// TestSchemaFile fails when docs/schemas/instance.schema.json differs
// from what Instance generates; -update rewrites it.
func TestSchemaFile(t *testing.T) {
	t.Parallel()
	got, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../../docs/schemas/instance.schema.json", got)
}

// TestDecodeInstanceIgnoresSchemaKey pins that an instance file may name
// its JSON Schema with a root "$schema" key, and that the key is not
// taken for another: a "$schema" below the root is still unknown.
func TestDecodeInstanceIgnoresSchemaKey(t *testing.T) {
	t.Parallel()
	const file = `{"$schema": "https://example.org/instance.schema.json", "id": "erp-partner", "organisation": "acme",
  "home": {"spec": "home.json"}, "partner": {"spec": "partner.json", "$schema": "x"}, "model": "model.json"}`
	inst, found, err := DecodeInstance("instance.json", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if inst.ID != "erp-partner" || inst.Partner.Spec != "partner.json" {
		t.Errorf("decoded %+v", inst)
	}
	if len(found) != 1 || found[0].Pointer != "/partner/$schema" {
		t.Errorf("findings %v, want one about /partner/$schema only", found)
	}
}
