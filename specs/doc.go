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
// The x-sync may instead live in an overlay that names the vendor's
// document, which is never edited: specsync's simple form (a root
// "extends" and members merged into the document) or an OpenAPI Overlay
// 1.0 document (actions with JSONPath targets, a subset of RFC 9535
// evaluated here). Load tells an overlay by its content, reads the
// document it extends under the same policy as a $ref, applies it in
// memory and loads the result; its SourceMap places every value in the
// file that wrote it, so findings point into the overlay or the vendor's
// document.
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
// Auth methods and paging styles are plug-ins chosen by the `type` key of
// `auth` and `pagination`; Load keeps their other keys as JSON. Their
// runtime lives in package connectors, above this one, so a Plugins
// registry describes them here: each Plugin names its config struct, whose
// struct tags document its keys and drive its strict decoding, its JSON
// Schema and its docs table, and whose methods add checks (PluginChecker)
// and a one-line summary (Summarizer). LoadOptions.Plugins hands the
// registry to Load; without it those configs are left for the client that
// runs them to decode.
//
// Schema and ModelSchema return the JSON Schema of the extensions, made by
// reflection over the Go types and their struct tags (json, doc, enum,
// default, example, choice, minimum), auth and pagination as one variant
// per plug-in of a registry; x-sync.schema.json (with the built-in
// plug-ins) and x-model.schema.json hold them for editors. PluginsMarkdown
// renders the plug-ins' docs page.
//
// This package reads local files only; it never calls the systems a spec
// describes. Loaded values are immutable and safe for concurrent use.
package specs
