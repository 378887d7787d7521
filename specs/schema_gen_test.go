package specs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/golden"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// schemaFiles pairs the committed schema files with their generators.
var schemaFiles = map[string]func() ([]byte, error){
	"x-sync.schema.json":  Schema,
	"x-model.schema.json": ModelSchema,
}

// TestSchemaFile fails when a committed schema file differs from what the
// Go types generate; -update rewrites it.
func TestSchemaFile(t *testing.T) {
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
// that definitions refuse unknown keys.
func TestSchemaCoversFields(t *testing.T) {
	for root, gen := range map[reflect.Type]func() ([]byte, error){reflect.TypeFor[Sync](): Schema, reflect.TypeFor[ModelSync](): ModelSchema} {
		defs := schemaDefs(t, gen)
		for _, st := range reachableStructs(root) {
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

// compileSchema compiles the x-sync schema with a draft 2020-12 validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("x-sync.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("x-sync.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// structuralCodes are the findings the JSON Schema can express too.
var structuralCodes = []string{CodeUnknownKey, CodeInvalidType, CodeInvalidValue, CodeMissingKey, CodeEmptyChoice, CodeAmbiguousChoice, CodeLiteralSecret}

// TestSchemaAgreesWithDecoder validates the x-sync of every spec fixture
// (and of the example specs, when present) against the generated schema:
// the schema accepts exactly the documents the strict decoder reports no
// structural finding for.
func TestSchemaAgreesWithDecoder(t *testing.T) {
	schema := compileSchema(t)
	paths := append(fixtures(t), exampleSpecs(t)...)
	for _, path := range paths {
		if IsModelFile(path) {
			continue
		}
		xsync, ok := rawXSync(t, path)
		if !ok {
			continue
		}
		structural, err := structuralFindings(path)
		if err != nil {
			continue // unreadable: nothing to compare
		}
		schemaErr := schema.Validate(xsync)
		if (schemaErr == nil) != (len(structural) == 0) {
			t.Errorf("%s: schema says %v, decoder says %v", path, schemaErr, structural)
		}
	}
}

// TestSchemaRefusesUnknownKeys checks the schema rejects an unknown key in
// a nested object and a literal secret.
func TestSchemaRefusesUnknownKeys(t *testing.T) {
	schema := compileSchema(t)
	for name, doc := range map[string]string{
		"unknown key":    `{"system": "s", "entities": {"e": {"model": "m", "key": "k", "lisst": {}}}}`,
		"literal secret": `{"system": "s", "entities": {}, "auth": {"bearer": {"token": "abc"}}}`,
		"two methods":    `{"system": "s", "entities": {}, "auth": {"bearer": {"token": {"env": "T"}}, "basic": {"username": {"env": "U"}, "password": {"env": "P"}}}}`,
		"bad enum":       `{"system": "s", "entities": {"e": {"model": "m", "key": "k", "sourceOfTruth": "both"}}}`,
		"bad duration":   `{"system": "s", "entities": {}, "rateLimit": {"requests": 1, "per": "1 minute"}}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(v) == nil {
			t.Errorf("%s: the schema accepts %s", name, doc)
		}
	}
}

// exampleSpecs lists the example specs of the repository, if any.
func exampleSpecs(t *testing.T) []string {
	m, err := filepath.Glob("../examples/realestate/*.json")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rawXSync returns the x-sync value of a readable fixture as plain JSON
// values.
func rawXSync(t *testing.T, path string) (any, bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if yaml.Unmarshal(data, &root) != nil || root["x-sync"] == nil {
		return nil, false
	}
	js, err := json.Marshal(root["x-sync"])
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

// structuralFindings returns the codes of the structural findings of the
// x-sync of path.
func structuralFindings(path string) ([]string, error) {
	_, fs, err := Load(path, LoadOptions{})
	var out []string
	for _, f := range fs {
		if strings.HasPrefix(f.Pointer, "/x-sync") && slices.Contains(structuralCodes, f.Code) {
			out = append(out, f.Code)
		}
	}
	return out, err
}
