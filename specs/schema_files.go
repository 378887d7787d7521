package specs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// SchemaBaseURL is where the JSON Schemas of specsync's files are
// published (docs/schemas in the repository); each file's $id is this
// followed by its name.
const SchemaBaseURL = "https://raw.githubusercontent.com/specsync/specsync/main/docs/schemas/"

// SpecFileSchema returns the JSON Schema of a whole connector spec file:
// an OpenAPI document (3.x, or Swagger 2.0) whose x-sync extension is
// checked against the x-sync schema of plugins. OpenAPI's own members
// are checked only for their JSON type; the loader checks the rest.
func SpecFileSchema(plugins *Plugins) ([]byte, error) {
	return fileSchema(func() ([]byte, error) { return Schema(plugins) }, "x-sync", "spec.schema.json", "specsync connector spec",
		"An OpenAPI document with the x-sync extension that connects a system to specsync.", openAPIRoot("x-sync"))
}

// ModelFileSchema returns the JSON Schema of a whole model document: an
// OpenAPI document whose x-model extension is checked.
func ModelFileSchema() ([]byte, error) {
	return fileSchema(ModelSchema, "x-model", "model.schema.json", "specsync model document",
		"An OpenAPI document with the x-model extension: the canonical entities between the systems.", openAPIRoot("x-model"))
}

// OverlaySchema returns the JSON Schema of an overlay: the simple form
// (a root "extends" and members merged into the extended document) or
// an OpenAPI Overlay 1.0 document ("overlay", "extends", "actions").
// The x-sync of the simple form is checked against the x-sync schema of
// plugins; an action's update is not, as its target decides its shape.
func OverlaySchema(plugins *Plugins) ([]byte, error) {
	root := map[string]any{"oneOf": []any{simpleOverlayRoot(), actionsOverlayRoot()}}
	return fileSchema(func() ([]byte, error) { return Schema(plugins) }, "x-sync", "overlay.schema.json", "specsync overlay",
		"An overlay that adds x-sync (and fixes) to a vendor's OpenAPI document it extends, which stays as published.", root)
}

// fileSchema writes root as the schema file name, with the $defs of the
// extension's schema (from gen) and "#/$defs/<ext>" referring to that
// schema's root.
func fileSchema(gen func() ([]byte, error), ext, name, title, description string, root map[string]any) ([]byte, error) {
	data, err := gen()
	if err != nil {
		return nil, err
	}
	var extDoc map[string]any
	if err := json.Unmarshal(data, &extDoc); err != nil {
		return nil, fmt.Errorf("schema %s: reading the %s schema: %w", name, ext, err)
	}
	defs, _ := extDoc["$defs"].(map[string]any)
	defs = maps.Clone(defs)
	if _, taken := defs[ext]; taken {
		return nil, fmt.Errorf("schema %s: the %s schema already defines %s", name, ext, ext)
	}
	defs[ext] = map[string]any{"$ref": extDoc["$ref"], "description": extDoc["description"]}
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         SchemaBaseURL + name,
		"title":       title,
		"description": description,
		"$defs":       defs,
	}
	maps.Copy(doc, root)
	return marshalSchema(doc)
}

// openAPIRoot is the root of an OpenAPI document (3.x or Swagger 2.0):
// its fixed fields by JSON type, x- extensions, the extension ext by its
// schema, and "$schema".
func openAPIRoot(ext string) map[string]any {
	return map[string]any{
		"type": "object", "properties": openAPIProps(ext),
		"required":             []string{"info"},
		"oneOf":                []any{map[string]any{"required": []string{"openapi"}}, map[string]any{"required": []string{"swagger"}}},
		"patternProperties":    map[string]any{"^x-": map[string]any{}},
		"additionalProperties": false,
	}
}

// openAPIProps are the root members of an OpenAPI 3 or Swagger 2.0
// document (openAPIRootKeys, swaggerRootKeys), the extension ext and
// "$schema".
func openAPIProps(ext string) map[string]any {
	obj := map[string]any{"type": "object"}
	objects := map[string]any{"type": "array", "items": obj}
	texts := map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
	text := map[string]any{"type": "string"}
	props := map[string]any{
		"openapi": map[string]any{"type": "string", "pattern": `^3\.\d+\.\d+`, "description": "The OpenAPI version: 3.0.x or 3.1.x."},
		"swagger": map[string]any{"const": "2.0", "description": "A Swagger 2.0 document instead of OpenAPI 3."},
		"info":    map[string]any{"type": "object", "required": []string{"title", "version"}},
		"servers": objects, "security": objects, "tags": objects,
		"jsonSchemaDialect": text, "host": text, "basePath": text,
		"schemes": texts, "consumes": texts, "produces": texts,
		ext:       map[string]any{"$ref": "#/$defs/" + ext},
		SchemaKey: schemaKeyProperty(),
	}
	for _, k := range slices.Concat(openAPIRootKeys, swaggerRootKeys) {
		if _, ok := props[k]; !ok {
			props[k] = obj
		}
	}
	return props
}

// simpleOverlayRoot is the simple form of an overlay: "extends" and
// root members of the OpenAPI document merged into the extended
// document's root.
func simpleOverlayRoot() map[string]any {
	props := openAPIProps("x-sync")
	delete(props, "openapi")
	delete(props, "swagger")
	props["info"] = map[string]any{"type": "object"}
	props["extends"] = map[string]any{"type": "string", "description": "Path (relative to the overlay) of the document it extends."}
	return map[string]any{
		"title": "simple overlay", "type": "object", "required": []string{"extends"}, "properties": props,
		"patternProperties":    map[string]any{"^x-": map[string]any{}},
		"additionalProperties": false,
	}
}

// actionsOverlayRoot is an OpenAPI Overlay 1.0 document.
func actionsOverlayRoot() map[string]any {
	update := map[string]any{"required": []string{"update"}, "not": map[string]any{"required": []string{"remove"}, "properties": map[string]any{"remove": map[string]any{"const": true}}}}
	remove := map[string]any{"required": []string{"remove"}, "properties": map[string]any{"remove": map[string]any{"const": true}}, "not": map[string]any{"required": []string{"update"}}}
	action := map[string]any{
		"type": "object", "required": []string{"target"},
		"properties": map[string]any{
			"target":      map[string]any{"type": "string", "description": "JSONPath query (RFC 9535) selecting what the action changes, such as $.paths['/users'].get."},
			"description": map[string]any{"type": "string"},
			"update":      map[string]any{"description": "Merged into every node the target selects."},
			"remove":      map[string]any{"type": "boolean", "description": "true removes every node the target selects."},
		},
		"oneOf":                []any{update, remove},
		"patternProperties":    map[string]any{"^x-": map[string]any{}},
		"additionalProperties": false,
	}
	return map[string]any{
		"title": "OpenAPI Overlay 1.0", "type": "object", "required": []string{"overlay", "extends", "actions"},
		"properties": map[string]any{
			"overlay": map[string]any{"type": "string", "pattern": `^1\.0\.\d+$`, "description": "The Overlay version, 1.0.x."},
			"info":    map[string]any{"type": "object"},
			"extends": map[string]any{"type": "string", "description": "Path (relative to the overlay) of the document it extends."},
			"actions": map[string]any{"type": "array", "minItems": 1, "items": action},
			SchemaKey: schemaKeyProperty(),
		},
		"patternProperties":    map[string]any{"^x-": map[string]any{}},
		"additionalProperties": false,
	}
}
