package notify

import (
	"testing"
	"time"

	"github.com/specsync/specsync/internal/golden"
)

// TestSchemaFile fails when docs/schemas/notify.schema.json differs from
// what Config generates; -update rewrites it.
func TestSchemaFile(t *testing.T) {
	t.Parallel()
	got, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../../docs/schemas/notify.schema.json", got)
}

// TestReadConfigExample reads the example notification file, which
// names its JSON Schema with "$schema".
func TestReadConfigExample(t *testing.T) {
	t.Parallel()
	cfg, err := ReadConfig("../../examples/realestate/notify.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if e := cfg.Organisations["hausverwaltung-lindenhof"].Email; e == nil || e.TLS != "implicit" || e.Timeout.Std() != 20*time.Second {
		t.Errorf("example e-mail settings %+v", e)
	}
}
