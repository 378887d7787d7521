package instance

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

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

// TestSchemaRefusesWhatValidationRefuses: an editor using the schema
// warns about the id and the delete guard as apply refuses them, and the
// schema's id pattern is the validator's.
func TestSchemaRefusesWhatValidationRefuses(t *testing.T) {
	t.Parallel()
	raw, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("instance.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("instance.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	check := func(file string) error {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		return sch.Validate(v)
	}
	const base = `"organisation": "acme", "home": {"spec": "h.json"}, "partner": {"spec": "p.json"}, "model": "m.json"`
	if err := check(`{"id": "erp-partner", ` + base + `, "options": {"deleteGuard": 0.5}}`); err != nil {
		t.Errorf("a valid instance is refused: %v", err)
	}
	for _, file := range []string{
		`{"id": "Bad_ID", ` + base + `}`,
		`{"id": "erp-partner", ` + base + `, "options": {"deleteGuard": 2}}`,
		`{"id": "erp-partner", ` + base + `, "options": {"deleteGuard": -0.1}}`,
	} {
		if check(file) == nil {
			t.Errorf("the schema accepts %s", file)
		}
		if inst, found, err := DecodeInstance("instance.json", []byte(file)); err == nil && len(found) == 0 && len(ValidateInstance(inst)) == 0 {
			t.Errorf("validation accepts %s, which the schema refuses", file)
		}
	}
	f, _ := reflect.TypeFor[Instance]().FieldByName("ID")
	if got := f.Tag.Get("pattern"); got != idPattern.String() {
		t.Errorf("the schema's id pattern %q is not the validator's %q", got, idPattern.String())
	}
}
