package notify

import (
	"reflect"

	"github.com/specsync/specsync/specs"
)

// Schema returns the JSON Schema of a notification file (Config),
// generated from the Go types; docs/schemas/notify.schema.json holds it.
func Schema() ([]byte, error) {
	return specs.GenerateSchema(reflect.TypeFor[Config](), specs.SchemaOptions{
		ID:          specs.SchemaBaseURL + "notify.schema.json",
		Title:       "specsync notifications",
		Description: "Whom to tell, per organisation, when a run fails or leaves failed records (specsync serve --notify).",
		SchemaKey:   true,
	})
}
