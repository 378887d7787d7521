package instance

import (
	"reflect"

	"github.com/specsync/specsync/specs"
)

// Schema returns the JSON Schema of an instance file, generated from
// Instance and its tags; docs/schemas/instance.schema.json holds it.
func Schema() ([]byte, error) {
	return specs.GenerateSchema(reflect.TypeFor[Instance](), specs.SchemaOptions{
		ID:          specs.SchemaBaseURL + "instance.schema.json",
		Title:       "specsync instance",
		Description: "An instance file: the home and partner systems, the model between them, what the engine may do and when it runs.",
		Types:       map[reflect.Type]map[string]any{reflect.TypeFor[Permissions](): permissionsSchema()},
		Required: map[reflect.Type][]string{
			reflect.TypeFor[Instance](): {"id", "organisation", "home", "partner", "model"},
			reflect.TypeFor[System]():   {"spec"},
		},
		SchemaKey: true,
	})
}

// permissionsSchema is the schema of Permissions: per direction and
// partner spec entity, the actions granted.
func permissionsSchema() map[string]any {
	var dirs, actions []string
	for _, d := range Directions() {
		dirs = append(dirs, string(d))
	}
	for _, a := range grantable {
		actions = append(actions, string(a))
	}
	return map[string]any{
		"type":          "object",
		"description":   `Actions granted per direction and partner spec entity: {"push": {"tenant": ["create", "update", "delete"]}}. Nothing is granted unless listed.`,
		"propertyNames": map[string]any{"enum": dirs},
		"additionalProperties": map[string]any{"type": "object", "additionalProperties": map[string]any{
			"type": "array", "uniqueItems": true, "items": map[string]any{"enum": actions},
		}},
	}
}
