package specs

import (
	"maps"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// LoadModel reads the model document at path: an OpenAPI document whose
// component schemas describe the entities, with a root x-model extension
// strictly decoded. It checks the schemas, keys and references and
// computes the dependency order. Errors and a nil Model follow the rules
// of Load.
func LoadModel(path string, opts LoadOptions) (*Model, Findings, error) {
	data, err := opts.files().ReadFile(path)
	if err != nil {
		return nil, nil, &ReadError{File: path, Err: err}
	}
	return LoadModelBytes(path, data, opts)
}

// LoadModelBytes is LoadModel for a file already read.
func LoadModelBytes(name string, data []byte, opts LoadOptions) (*Model, Findings, error) {
	src, err := parseSource(name, data)
	if err != nil {
		return nil, nil, err
	}
	r := &report{file: name, source: src.pos}
	ms := decodeModelSync(src, r)
	doc := loadDocument(src, absPath(name), opts, r)
	if doc == nil {
		return nil, r.sorted(), nil
	}
	m := &Model{Path: name, Doc: doc, Entities: ms.Entities, Source: r.source}
	checkModel(m, r)
	m.Order = dependencyOrder(m.Entities, r)
	return m, r.sorted(), nil
}

// decodeModelSync strictly decodes the root x-model extension.
func decodeModelSync(src *source, r *report) *ModelSync {
	ms := &ModelSync{}
	if n := memberNode(src.root, "x-model"); n != nil {
		decodeStrict(n, "/x-model", ms, r)
	} else {
		r.errorHint(CodeMissingKey, "/x-model", `add an "x-model" object at the root, with "name" and "entities"`, "the model document has no x-model extension")
	}
	if ms.Entities == nil {
		ms.Entities = map[string]*ModelEntity{}
	}
	return ms
}

// modelEntityPointer returns the JSON pointer of model entity name.
func modelEntityPointer(name string) string { return jsonptr.Join("/x-model/entities", name) }

// checkModel checks every entity's schema, key, references and personal
// fields.
func checkModel(m *Model, r *report) {
	names := slices.Sorted(maps.Keys(m.Entities))
	for _, name := range names {
		e, p := m.Entities[name], modelEntityPointer(name)
		schema := schemaAt(m.Doc, e.Schema)
		if schema == nil {
			if e.Schema != "" {
				r.errorHint(CodeUnknownSchema, jsonptr.Join(p, "schema"), didYouMean(e.Schema, componentSchemaPointers(m), "schemas in this document"),
					"schema %q of entity %q resolves to nothing", e.Schema, name)
			}
			continue
		}
		checkModelFields(r, name, e, schema, names)
	}
}

// checkModelFields checks the fields an entity names against its schema.
func checkModelFields(r *report, name string, e *ModelEntity, schema *openapi3.Schema, entities []string) {
	p := modelEntityPointer(name)
	known := propertyNames(schema)
	field := func(f, at string) {
		if f != "" && lookupPath(schema, f).missing != "" {
			r.errorHint(CodeUnknownModelField, at, didYouMean(f, known, "fields of "+name),
				"entity %q has no field %q", name, f)
		}
	}
	field(e.Key, jsonptr.Join(p, "key"))
	for _, f := range slices.Sorted(maps.Keys(e.References)) {
		field(f, jsonptr.Join(p, "references", f))
		if target := e.References[f]; target != "" && !slices.Contains(entities, target) {
			r.errorHint(CodeUnknownEntity, jsonptr.Join(p, "references", f), didYouMean(target, entities, "model entities"),
				"field %q references entity %q, which the model does not have", f, target)
		}
	}
	for i, f := range e.Personal {
		field(f, jsonptr.Join(p, "personal", strconv.Itoa(i)))
	}
}

// componentSchemaPointers lists "#/components/schemas/X" for the model.
func componentSchemaPointers(m *Model) []string {
	if m.Doc.Components == nil {
		return nil
	}
	var out []string
	for name := range m.Doc.Components.Schemas {
		out = append(out, jsonptr.Join("#/components/schemas", name))
	}
	return out
}
