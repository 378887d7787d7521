package specs

import "github.com/getkin/kin-openapi/openapi3"

// Model is a loaded model document: an OpenAPI document whose component
// schemas describe the canonical entities, plus the `x-model` extension that
// names their keys and relations.
//
// A Model is immutable after LoadModel and safe for concurrent use.
type Model struct {
	// Path is the file the model was loaded from.
	Path string
	// Doc is the OpenAPI document.
	Doc *openapi3.T
	// Entities are the decoded `x-model` entities, by name.
	Entities map[string]*ModelEntity
	// Order lists entity names so that every entity comes after the ones it
	// references (dependency order). Deletes use it reversed.
	Order []string
	// Source locates JSON pointers in the file for findings.
	Source *SourceMap
}

// ModelSync is the `x-model` extension at the root of a model document.
type ModelSync struct {
	// Name of the model ("realestate").
	Name string `json:"name" doc:"Name of the model." example:"realestate"`
	// Entities by name ("economic_unit", "lease").
	Entities map[string]*ModelEntity `json:"entities" doc:"Canonical entities, by name."`
}

// ModelEntity is one canonical entity.
type ModelEntity struct {
	// Schema is a JSON pointer to the entity's schema in the same document
	// ("#/components/schemas/Lease"). Required.
	Schema string `json:"schema" doc:"JSON pointer to the entity's schema." example:"#/components/schemas/Lease"`
	// Key is the field that identifies a record in the home system. Required.
	Key string `json:"key" doc:"Field identifying a record." example:"id"`
	// References maps a field to the entity whose key it holds
	// ("unit_id": "unit"). References decide the dependency order and must
	// form no cycle.
	References map[string]string `json:"references,omitempty" doc:"Fields holding another entity's key, by field name."`
	// Personal lists fields holding personal data; they are masked in the
	// audit log.
	Personal []string `json:"personal,omitempty" doc:"Fields holding personal data."`
	// Label is a human name for tables ("Economic unit").
	Label string `json:"label,omitempty" doc:"Human-readable name."`
}

// Schema resolves the entity's schema in the model document. It is nil when
// the pointer does not resolve (validation reports that).
func (m *Model) Schema(entity string) *openapi3.Schema {
	e := m.Entities[entity]
	if e == nil {
		return nil
	}
	return schemaAt(m.Doc, e.Schema)
}
