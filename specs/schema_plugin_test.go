package specs_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/specs"
)

// TestSyncSchemaFile fails when x-sync.schema.json differs from what the
// Go types and the built-in plug-ins generate; -update rewrites it.
func TestSyncSchemaFile(t *testing.T) {
	t.Parallel()
	got, err := specs.Schema(loadOptions().Plugins)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "x-sync.schema.json", got)
}

// TestSchemaPluginVariants checks that every plug-in is a variant of its
// kind's definition that fixes type, refuses unknown keys and has every
// key of the plug-in's config.
func TestSchemaPluginVariants(t *testing.T) {
	t.Parallel()
	plugins := loadOptions().Plugins
	data, err := specs.Schema(plugins)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []specs.PluginKind{specs.PluginAuth, specs.PluginPagination} {
		for _, name := range plugins.Names(kind) {
			p, _ := plugins.Lookup(kind, name)
			cfg := p.Config()
			def := doc.Defs[reflectName(cfg)]
			props, _ := def["properties"].(map[string]any)
			if def["additionalProperties"] != false || props["type"].(map[string]any)["const"] != name {
				t.Errorf("%s %s: variant %v does not fix type and refuse unknown keys", kind, name, def)
			}
			for _, key := range jsonKeys(cfg) {
				if props[key] == nil {
					t.Errorf("%s %s: the variant lacks key %q", kind, name, key)
				}
			}
		}
	}
}

// compileSchema compiles the x-sync schema with a draft 2020-12 validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := specs.Schema(loadOptions().Plugins)
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
var structuralCodes = []string{specs.CodeUnknownKey, specs.CodeInvalidType, specs.CodeInvalidValue, specs.CodeMissingKey, specs.CodeEmptyChoice,
	specs.CodeAmbiguousChoice, specs.CodeLiteralSecret, specs.CodeUnknownType, specs.CodeOldPluginShape}

// TestSchemaAgreesWithDecoder validates the x-sync of every spec fixture
// (and of the example specs, when present) against the generated schema:
// the schema accepts exactly the documents the strict decoder reports no
// structural finding for.
func TestSchemaAgreesWithDecoder(t *testing.T) {
	t.Parallel()
	schema := compileSchema(t)
	paths := append(fixtures(t), exampleSpecs(t)...)
	for _, path := range paths {
		if specs.IsModelFile(path) {
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
	t.Parallel()
	schema := compileSchema(t)
	for name, doc := range map[string]string{
		"unknown key":    `{"system": "s", "entities": {"e": {"model": "m", "key": "k", "lisst": {}}}}`,
		"literal secret": `{"system": "s", "entities": {}, "auth": {"type": "bearer", "token": "abc"}}`,
		"old shape":      `{"system": "s", "entities": {}, "auth": {"bearer": {"token": {"env": "T"}}}}`,
		"unknown type":   `{"system": "s", "entities": {}, "auth": {"type": "bearr", "token": {"env": "T"}}}`,
		"other's key":    `{"system": "s", "entities": {}, "auth": {"type": "bearer", "token": {"env": "T"}, "username": {"env": "U"}}}`,
		"shared key":     `{"system": "s", "entities": {}, "pagination": {"type": "page", "param": "page", "stop": {"short": "yes"}}}`,
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
	_, fs, err := specs.Load(path, loadOptions())
	var out []string
	for _, f := range fs {
		if strings.HasPrefix(f.Pointer, "/x-sync") && slices.Contains(structuralCodes, f.Code) {
			out = append(out, f.Code)
		}
	}
	return out, err
}

// reflectName is the Go type name of a config pointer.
func reflectName(cfg any) string {
	return reflect.TypeOf(cfg).Elem().Name()
}

// jsonKeys lists the JSON keys of a config struct pointer.
func jsonKeys(cfg any) []string {
	var out []string
	t := reflect.TypeOf(cfg).Elem()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
