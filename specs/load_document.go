package specs

import (
	"encoding/json"
	"errors"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// loadDocument builds the OpenAPI 3 document of src with kin-openapi,
// converting Swagger 2.0. It returns nil when the document cannot be
// built; the findings say why. validateDocument checks it once the x-sync
// is known.
//
// An OpenAPI 3 document's tree and bytes are released (source.release)
// before kin-openapi starts, so that they (tens of megabytes for a large
// document) can be collected while kin-openapi builds its own: callers
// must not read src.root or src.data after the call, nor hold the tree
// elsewhere; they keep src.pos.
func loadDocument(src *source, abs string, opts LoadOptions, r *report) *openapi3.T {
	policy := newRefPolicy(abs, opts)
	refProblems := policy.scanRefs(src, r)
	policy.origins = !src.noOrigins
	location := documentURL(abs)
	doc, err := buildDocument(src, policy, location)
	if err != nil {
		reportLoadError(err, policy, refProblems, r)
		return nil
	}
	// kin-openapi keeps unknown root members as extensions; "$schema"
	// only tells editors which JSON Schema to check the file with.
	delete(doc.Extensions, SchemaKey)
	return doc
}

// newLoader returns a kin-openapi loader that reads references through
// policy.
func newLoader(policy *refPolicy) *openapi3.Loader {
	policy.refused = nil
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = policy.origins
	loader.IsExternalRefsAllowed = true // enforced by policy.read
	loader.ReadFromURIFunc = policy.read
	return loader
}

// documentURL is the location of a document at abs, an absolute path or
// an http(s) URL.
func documentURL(abs string) *url.URL {
	if isURL(abs) {
		if u, err := url.Parse(abs); err == nil {
			return u
		}
	}
	return &url.URL{Path: filepath.ToSlash(abs)}
}

// buildDocument loads an OpenAPI 3 document, or converts a Swagger 2.0 one.
// It releases src's tree and bytes (see source.release) before
// kin-openapi parses the document again.
func buildDocument(src *source, policy *refPolicy, location *url.URL) (*openapi3.T, error) {
	if memberNode(src.root, "swagger") == nil {
		return loadOpenAPI3(src.release(), policy, location)
	}
	var raw any
	if err := src.root.Decode(&raw); err != nil {
		return nil, err
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(data, &doc2); err != nil {
		return nil, err
	}
	return openapi2conv.ToV3WithLoader(&doc2, newLoader(policy), location)
}

// loadOpenAPI3 loads an OpenAPI 3 document. JSON is given to kin-openapi
// in the form its YAML parser reads best (see yamlReadable and markRoot).
func loadOpenAPI3(data []byte, policy *refPolicy, location *url.URL) (*openapi3.T, error) {
	if !looksJSON(data) {
		return newLoader(policy).LoadFromDataWithPath(data, location)
	}
	marked := markRoot(yamlReadable(data))
	data = nil // marked is a copy when it differs: let the file's bytes go
	doc, err := newLoader(policy).LoadFromDataWithPath(marked, location)
	if unmarked := unmarkRoot(marked); err != nil && len(unmarked) != len(marked) {
		// kin-openapi falls back to its JSON decoder when the YAML parser
		// refuses (a repeated key) and reports what both said: give it
		// the JSON.
		return newLoader(policy).LoadFromDataWithPath(unmarked, location)
	}
	return doc, err
}

// documentData is data as given to kin-openapi for a referenced file:
// JSON in the form its YAML parser reads (see yamlReadable), YAML as it is.
func documentData(data []byte) []byte {
	if looksJSON(data) {
		return yamlReadable(data)
	}
	return data
}

// reportLoadError turns a failed load into findings. Refused references
// found by the scan are already reported; references refused deeper (in a
// referenced file) are reported at the root.
func reportLoadError(err error, policy *refPolicy, scanned bool, r *report) {
	switch {
	case scanned:
	case len(policy.refused) > 0:
		for _, e := range policy.refused {
			r.errorHint(CodeExternalRefRefused, "", "move the referenced file into the spec's folder, or allow external files or remote references",
				"a referenced document refers to %s, which is refused: %s", e.location, e.why)
		}
	default:
		r.errorHint(CodeOpenAPIInvalid, "", "fix the OpenAPI document; the x-sync checks that need it were skipped",
			"the OpenAPI document cannot be loaded: %s", relativeMessage(err.Error(), policy.dir))
	}
}

// flattenErrors returns the leaves of a MultiError (or err alone).
func flattenErrors(err error) []error {
	if err == nil {
		return nil
	}
	var me openapi3.MultiError
	if !errors.As(err, &me) || len(me) == 0 {
		return []error{err}
	}
	var out []error
	for _, e := range me {
		out = append(out, flattenErrors(e)...)
	}
	return out
}

// relativeMessage removes the spec's folder from a message, so that
// messages name files relative to the spec.
func relativeMessage(msg, dir string) string {
	msg = strings.ReplaceAll(msg, filepath.ToSlash(dir)+"/", "")
	return strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
}

// validationPointer builds the JSON pointer of a validation error from the
// context kin-openapi wraps around it.
func validationPointer(err error) string {
	p := ""
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch v := e.(type) {
		case *openapi3.SectionValidationError:
			p = "/" + sectionKey(v.Section)
		case *openapi3.PathValidationError:
			p = jsonptr.Join("/paths", v.Path)
		case *openapi3.OperationValidationError:
			p = jsonptr.Join(p, strings.ToLower(v.Method))
		case *openapi3.ComponentValidationError:
			p = jsonptr.Join("/components", componentKey(v.Section), v.Name)
		}
	}
	return p
}

// sectionKey maps a section name of kin-openapi to its key in the document.
func sectionKey(section string) string {
	switch section {
	case "external docs":
		return "externalDocs"
	}
	return section
}

// componentKey maps a component kind of kin-openapi ("request body") to its
// key under components ("requestBodies").
func componentKey(kind string) string {
	switch kind {
	case "request body":
		return "requestBodies"
	case "security scheme":
		return "securitySchemes"
	}
	return kind + "s"
}

// originOf returns the first Origin carried by an error of err's chain.
func originOf(err error) *openapi3.Origin {
	originType := reflect.TypeFor[*openapi3.Origin]()
	for e := err; e != nil; e = errors.Unwrap(e) {
		v := reflect.ValueOf(e)
		if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
			continue
		}
		f := v.Elem().FieldByName("Origin")
		if f.IsValid() && f.Type() == originType && !f.IsNil() {
			return f.Interface().(*openapi3.Origin)
		}
	}
	return nil
}
