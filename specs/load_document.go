package specs

import (
	"context"
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
// converting Swagger 2.0, and validates it. It returns nil when the
// document cannot be built; the findings say why.
//
// It reads src's tree only before kin-openapi starts, so that the tree
// (tens of megabytes for a large document) can be collected while
// kin-openapi builds its own: callers keep src.pos, not src.
func loadDocument(src *source, abs string, opts LoadOptions, r *report) *openapi3.T {
	in := readDocument(src, abs, opts, r)
	doc, err := in.build()
	if err != nil {
		reportLoadError(err, in.policy, in.refProblems, r)
		return nil
	}
	validateDocument(doc, in.location, r)
	return doc
}

// documentInput is what kin-openapi builds a document from: the file's
// bytes (OpenAPI 3) or the Swagger 2.0 document to convert.
type documentInput struct {
	location    *url.URL
	policy      *refPolicy
	refProblems bool // the reference scan reported something
	data        []byte
	swagger     *openapi2.T
	err         error // why the Swagger 2.0 document cannot be read
}

// readDocument checks the references of src and takes from it what
// kin-openapi needs.
func readDocument(src *source, abs string, opts LoadOptions, r *report) *documentInput {
	in := &documentInput{location: &url.URL{Path: filepath.ToSlash(abs)}, policy: newRefPolicy(abs, opts)}
	in.refProblems = in.policy.scanRefs(src, r)
	if memberNode(src.root, "swagger") == nil {
		in.data = src.data
	} else {
		in.swagger, in.err = decodeSwagger(src)
	}
	return in
}

// build loads the OpenAPI 3 document, or converts the Swagger 2.0 one.
func (in *documentInput) build() (*openapi3.T, error) {
	switch {
	case in.err != nil:
		return nil, in.err
	case in.swagger != nil:
		return openapi2conv.ToV3WithLoader(in.swagger, in.loader(), in.location)
	case !looksJSON(in.data):
		return in.loader().LoadFromDataWithPath(in.data, in.location)
	}
	return in.loadJSON()
}

// loader returns a new kin-openapi loader that reads references through
// the policy.
func (in *documentInput) loader() *openapi3.Loader {
	in.policy.refused = nil
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	loader.IsExternalRefsAllowed = true // enforced by policy.read
	loader.ReadFromURIFunc = in.policy.read
	return loader
}

// decodeSwagger decodes the Swagger 2.0 document of src.
func decodeSwagger(src *source) (*openapi2.T, error) {
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
	return &doc2, nil
}

// loadJSON loads an OpenAPI 3 document written in JSON, given to
// kin-openapi in the form its YAML parser reads best (see yamlReadable
// and markRoot).
func (in *documentInput) loadJSON() (*openapi3.T, error) {
	data := yamlReadable(in.data)
	marked := markRoot(data)
	doc, err := in.loader().LoadFromDataWithPath(marked, in.location)
	if err != nil && len(marked) != len(data) {
		// kin-openapi falls back to its JSON decoder when the YAML parser
		// refuses (a repeated key) and reports what both said: give it
		// the JSON.
		return in.loader().LoadFromDataWithPath(data, in.location)
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

// validateDocument runs kin-openapi's validation and reports every problem
// as openapi-invalid.
func validateDocument(doc *openapi3.T, location *url.URL, r *report) {
	err := doc.Validate(context.Background(), openapi3.EnableMultiError())
	dir := filepath.Dir(filepath.FromSlash(location.Path))
	for _, e := range flattenErrors(err) {
		p := validationPointer(e)
		r.errorHint(CodeOpenAPIInvalid, p, "see the OpenAPI specification for this object", "%s", relativeMessage(e.Error(), dir))
		locateByOrigin(r, e, location.Path)
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

// locateByOrigin moves the last finding to the position kin-openapi
// recorded for the offending element, when it is in the root file.
func locateByOrigin(r *report, err error, file string) {
	o := originOf(err)
	if o == nil || o.Key == nil || o.Key.Line == 0 || (o.Key.File != "" && o.Key.File != file) {
		return
	}
	f := &r.findings[len(r.findings)-1]
	f.Line, f.Column = o.Key.Line, o.Key.Column
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
