// Package specs loads connector specs and the model, decodes their x-sync
// and x-model extensions into typed structs, and validates them.
//
// A connector spec is an OpenAPI document (3.0, 3.1, or Swagger 2.0, which
// is converted to OpenAPI 3) in JSON or YAML with an `x-sync` extension at
// its root (type Sync). The model is an OpenAPI document whose component
// schemas describe the canonical entities, with an `x-model` extension
// (type ModelSync). Load and LoadModel read them with kin-openapi; a $ref
// may name a file in the spec's folder (or below it), never one elsewhere
// or a URL unless LoadOptions allow it.
//
// Extensions are decoded strictly: every unknown key (with a "did you
// mean" hint), wrong JSON type, bad enum value or duration, missing
// required key, literal secret and unclear choice is a Finding. Then the
// semantic checks run: operations exist, parameters and response paths
// match the OpenAPI document, templates compile in the sandbox of package
// transforms, write mappings fit the request schema. Validate adds the
// checks that need the model. Every check runs, so one call reports all
// findings; each carries a stable code (the Code constants), a JSON
// pointer, the file position (through SourceMap) and a hint.
//
// Schema and ModelSchema return the JSON Schema of the extensions, made by
// reflection over the Go types and their struct tags (json, doc, enum,
// default, example, choice, minimum); x-sync.schema.json and
// x-model.schema.json hold them for editors.
//
// This package reads local files only; it never calls the systems a spec
// describes. Loaded values are immutable and safe for concurrent use.
package specs
