package specs

import (
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads the connector spec at path: the OpenAPI document (JSON or
// YAML; OpenAPI 3.0, 3.1 or Swagger 2.0, which is converted) with its
// external references, and its x-sync extension, strictly decoded. It
// runs every check that needs no model (see Validate for the others) and
// returns all findings in file order.
//
// The file may instead be an overlay (told by its content): specsync's
// simple form (a root "extends" and members merged into the extended
// document) or an OpenAPI Overlay 1.0 document. The document it extends
// is read through the same Files and reference policy as a $ref, the
// overlay is applied in memory, and the result is loaded as above;
// findings point into the file that holds the offending value.
//
// The error is non-nil (a *ReadError wrapping ErrUnreadable) only when the
// file cannot be read or parsed at all. The Spec is nil when the OpenAPI
// document cannot be built (a refused or dangling $ref, a malformed
// object); the findings then hold at least one error saying why.
func Load(path string, opts LoadOptions) (*Spec, Findings, error) {
	data, err := opts.files().ReadFile(path)
	if err != nil {
		return nil, nil, &ReadError{File: path, Err: err}
	}
	return LoadBytes(path, data, opts)
}

// LoadBytes is Load for a file already read: name is its path, used for
// findings and to resolve relative $refs.
func LoadBytes(name string, data []byte, opts LoadOptions) (*Spec, Findings, error) {
	src, err := parseSource(name, data)
	if err != nil {
		return nil, nil, err
	}
	if form := overlayFormOf(src.root); form != notOverlay {
		return loadOverlay(src, form, opts)
	}
	spec, found := loadSource(name, src, absPath(name), opts)
	return spec, found, nil
}

// loadSource decodes and checks the parsed document src of the spec named
// name; location is where its $refs are resolved from (the absolute path
// or URL of the document).
func loadSource(name string, src *source, location string, opts LoadOptions) (*Spec, Findings) {
	r := &report{file: name, source: src.pos}
	sync := decodeSync(src, r, opts.Plugins)
	swagger := swaggerRoot(src) // taken now: src is not used after loadDocument
	doc := loadDocument(src, location, opts, r)
	if doc == nil {
		return nil, r.sorted()
	}
	spec := &Spec{Path: name, Doc: doc, Sync: sync, Source: r.source, operations: indexOperations(doc)}
	ops := checkSpec(spec, r, opts.Plugins)
	validateDocument(spec, ops, location, swagger, r)
	return spec, r.sorted()
}

// decodeSync strictly decodes the root x-sync extension. A missing one is
// reported and gives an empty Sync.
func decodeSync(src *source, r *report, plugins *Plugins) *Sync {
	sync := &Sync{}
	n := memberNode(src.root, "x-sync")
	if n == nil {
		hint := withSuggestion("x-sync", rootKeys(src), `add an "x-sync" object at the root, with "system" and "entities"; for a vendor's published document, leave it as it is and write an overlay beside it instead (specsync init DOCUMENT --out DOCUMENT.sync.json writes a first one)`)
		r.errorHint(CodeMissingXSync, "", hint, "the document has no x-sync extension")
		return sync
	}
	decodeStrictWith(n, "/x-sync", sync, r, plugins)
	if sync.Entities == nil {
		sync.Entities = map[string]*Entity{}
	}
	return sync
}

// swaggerRoot returns the root of src when it is a Swagger 2.0 document,
// else nil.
func swaggerRoot(src *source) *yaml.Node {
	if memberNode(src.root, "swagger") == nil {
		return nil
	}
	return src.root
}

// absPath returns name as an absolute path, or name when that fails.
func absPath(name string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	return abs
}

// rootKeys lists the extension keys at the root of src.
func rootKeys(src *source) []string {
	var keys []string
	for i := 0; i < len(src.root.Content); i += 2 {
		if k := src.root.Content[i].Value; strings.HasPrefix(k, "x-") {
			keys = append(keys, k)
		}
	}
	return keys
}
