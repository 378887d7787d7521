package specs

import (
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// Root members a simple overlay may merge into the document it extends,
// by the version of that document. Extensions (x-...) are always allowed.
var (
	openAPIRootKeys = []string{"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags", "externalDocs"}
	swaggerRootKeys = []string{"swagger", "info", "host", "basePath", "schemes", "consumes", "produces", "paths", "definitions", "parameters", "responses", "securityDefinitions", "security", "tags", "externalDocs"}
)

// swaggerEquivalent says what a Swagger 2.0 document calls an OpenAPI 3
// root member.
var swaggerEquivalent = map[string]string{
	"servers":    `a Swagger 2.0 document names its server with "host", "basePath" and "schemes"; merge those instead`,
	"components": `a Swagger 2.0 document keeps its components in "definitions", "parameters", "responses" and "securityDefinitions"; merge into those instead`,
}

// checkSimpleRoot reports the root members of a simple overlay that the
// extended document (Swagger 2.0 when swagger) cannot have: merged, they
// would be ignored or blamed on the vendor's document.
func checkSimpleRoot(l *overlayLayer, swagger bool) {
	if l.form != overlaySimple {
		return
	}
	allowed, version := openAPIRootKeys, "an OpenAPI 3 document"
	if swagger {
		allowed, version = swaggerRootKeys, "a Swagger 2.0 document"
	}
	root := l.src.root
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i].Value
		if k == "extends" || k == SchemaKey || strings.HasPrefix(k, "x-") || slices.Contains(allowed, k) {
			continue
		}
		hint := swaggerEquivalent[k]
		if !swagger || hint == "" {
			hint = withSuggestion(k, allowed, "an overlay's root members are merged into the document's root; use one the document has, or an x- extension")
		}
		l.r.errorHint(CodeOverlayInvalid, jsonptr.Join("", k), hint, "%q is not a root member of %s, which this overlay extends", k, version)
	}
}
