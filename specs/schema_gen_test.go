package specs

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/specsync/specsync/internal/golden"
)

// schemaFiles pairs the committed schema files with their generators;
// x-sync.schema.json, generated with the built-in plug-ins, is checked by
// TestSyncSchemaFile.
var schemaFiles = map[string]func() ([]byte, error){
	"x-model.schema.json": ModelSchema,
}

// TestSchemaFile fails when a committed schema file differs from what the
// Go types generate; -update rewrites it.
func TestSchemaFile(t *testing.T) {
	t.Parallel()
	for file, gen := range schemaFiles {
		got, err := gen()
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, file, got)
	}
}

// TestSchemaCoversFields checks that every JSON field of every struct
// reachable from Sync and ModelSync is a property of its definition, and
// that definitions refuse unknown keys. Auth and Pagination are one
// variant per plug-in (TestSchemaPluginVariants).
func TestSchemaCoversFields(t *testing.T) {
	t.Parallel()
	syncSchema := func() ([]byte, error) { return Schema(nil) }
	for root, gen := range map[reflect.Type]func() ([]byte, error){reflect.TypeFor[Sync](): syncSchema, reflect.TypeFor[ModelSync](): ModelSchema} {
		defs := schemaDefs(t, gen)
		for _, st := range reachableStructs(root) {
			if pluginHolders[st] != "" {
				continue
			}
			def, ok := defs[st.Name()].(map[string]any)
			if !ok {
				t.Errorf("no $defs/%s", st.Name())
				continue
			}
			if def["additionalProperties"] != false {
				t.Errorf("$defs/%s accepts unknown keys", st.Name())
			}
			props, _ := def["properties"].(map[string]any)
			for _, f := range structFields(st) {
				if _, ok := props[f.name]; !ok {
					t.Errorf("$defs/%s lacks property %q of the Go type", st.Name(), f.name)
				}
			}
		}
	}
}

// schemaDefs returns the $defs of a generated schema.
func schemaDefs(t *testing.T, gen func() ([]byte, error)) map[string]any {
	t.Helper()
	data, err := gen()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc["$defs"].(map[string]any)
}

// reachableStructs lists the struct types reachable from t (Mapping and
// Duration are not structs).
func reachableStructs(t reflect.Type) []reflect.Type {
	var out []reflect.Type
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			if slices.Contains(out, t) {
				return
			}
			out = append(out, t)
			for _, f := range structFields(t) {
				walk(f.typ)
			}
		}
	}
	walk(t)
	return out
}
