package specs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// docFault is one fault of the OpenAPI document, at the node it is about.
type docFault struct {
	// pointer is the faulty node's JSON pointer in the OpenAPI 3 document.
	pointer string
	// touches lists the nodes whose use makes the fault an error; nil
	// means the node at pointer.
	touches []string
	// kind is kin-openapi's code of the rule broken, or one of ours
	// (faultExample, faultDefault).
	kind string
	msg  string
	// annotation marks a value that only documents (an example, or a
	// default in OpenAPI 3.1): at most a warning.
	annotation bool
	// tolerated marks a fault with one clear reading: at most a warning.
	tolerated bool
}

// The kinds of value faults, besides kin-openapi's codes.
const (
	faultExample = "example-violates-schema"
	faultDefault = "default-violates-schema"
)

// docCheck finds the faults of one OpenAPI document.
type docCheck struct {
	doc   *openapi3.T
	v31   bool
	ctx   context.Context
	scope *docScope
	// file is the document's path, to tell its origins from those of
	// referenced files.
	file   string
	source *SourceMap
	// byPosition finds pointers by position; built when first needed.
	byPosition map[position]int32
	faults     []docFault
	// empty stands for every subschema of the schemas checked alone (see
	// shallowSchema): validating it finds nothing.
	empty *openapi3.SchemaRef
	// scratch holds the copy of the schema being checked alone, reused
	// from one check to the next: nothing keeps it once checked.
	scratch openapi3.Schema
}

// validateDocument checks the OpenAPI document of spec and reports each
// fault once, at its own node: an error (openapi-invalid) where the
// operations ops that the x-sync names use the node, a warning
// (openapi-unused-invalid) elsewhere. Examples, and defaults in OpenAPI
// 3.1, only document: a mismatch is a warning (openapi-example-invalid).
// OpenAPI 3.1 schemas are judged as JSON Schema 2020-12: unknown keywords
// are allowed.
//
// file is the document's path; swagger is the root of the Swagger 2.0
// file the document was converted from, nil for OpenAPI 3.
func validateDocument(spec *Spec, ops []string, file string, swagger *yaml.Node, r *report) {
	doc := spec.Doc
	v31 := doc.IsOpenAPI31OrLater()
	opts := []openapi3.ValidationOption{openapi3.EnableMultiError(), openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation()}
	if v31 {
		opts = append(opts, openapi3.IsOpenAPI31OrLater())
	}
	if doc.IsOpenAPI32OrLater() {
		opts = append(opts, openapi3.IsOpenAPI32OrLater())
	}
	c := &docCheck{doc: doc, v31: v31, scope: newDocScope(spec, ops), file: file, source: r.source,
		empty: emptySchema(&openapi3.SchemaRef{}), ctx: openapi3.WithValidationOptions(context.Background(), opts...)}
	c.structure(opts)
	w := &docWalk{schema: c.checkSchema, value: c.checkValue}
	w.document(doc)
	c.report(r, swagger)
}

// structure validates the objects that are not schemas, on a skeleton of
// the document.
func (c *docCheck) structure(opts []openapi3.ValidationOption) {
	err := skeletonOf(c.doc).Validate(context.Background(), opts...)
	for _, e := range flattenErrors(err) {
		var conflict *openapi3.ConflictingPathsError
		if errors.As(e, &conflict) {
			// At the later path; a fault of either.
			p := jsonptr.Join("/paths", conflict.Path2)
			c.add(docFault{pointer: p, touches: []string{p, jsonptr.Join("/paths", conflict.Path1)}, kind: codeOf(e),
				msg: fmt.Sprintf("path %s: it matches the same requests as %s", conflict.Path2, conflict.Path1)})
			continue
		}
		p := c.pointerOf(e)
		c.add(docFault{pointer: p, kind: codeOf(e), msg: describeDocNode(p) + ": " + leafMessage(e)})
	}
}

// pointerOf returns the pointer of the node an error is about: where its
// origin is in the document's file, else what its context says.
func (c *docCheck) pointerOf(err error) string {
	if o := innermostOrigin(err); o != nil && o.Key != nil && o.Key.Line > 0 && (o.Key.File == "" || o.Key.File == c.file) {
		if c.byPosition == nil && c.source != nil {
			c.byPosition = c.source.positionIndex()
		}
		if i, ok := c.byPosition[position{int32(o.Key.Line), int32(o.Key.Column), c.source.documentFile()}]; ok {
			return c.source.pointer(i)
		}
	}
	return validationPointer(err)
}

// checkSchema validates one schema node alone: its subschemas are
// replaced by empty ones (each is checked at its own pointer) and its
// example and default are left to checkValue.
func (c *docCheck) checkSchema(p string, ref *openapi3.SchemaRef) {
	node := *ref
	node.Value = shallowSchema(ref.Value, c.empty, &c.scratch)
	for _, e := range flattenErrors(node.Validate(c.ctx)) {
		kind := codeOf(e)
		if c.v31 && kind == "extra-sibling-fields" {
			continue // unknown keywords are allowed in JSON Schema 2020-12
		}
		c.add(docFault{pointer: p, kind: kind, tolerated: tolerated[kind], msg: describeDocNode(p) + ": " + leafMessage(e)})
	}
}

// tolerated are the kinds of schema faults with one clear reading, which
// kin-openapi applies: at most a warning (openapi-tolerated).
var tolerated = map[string]bool{
	// a boolean exclusiveMinimum or exclusiveMaximum in OpenAPI 3.1 is
	// applied as in 3.0: it makes minimum or maximum exclusive.
	"exclusive-bound-boolean-before-3-1": true,
}

// checkValue checks an example or a default against its schema. In an
// OpenAPI 3.1 document only the used ones are checked: they are
// annotations there, and checking all of them costs a schema compilation
// each.
func (c *docCheck) checkValue(p string, v any, s *openapi3.Schema) {
	if s == nil || (c.v31 && !c.scope.covers(p)) {
		return
	}
	kind, what := faultExample, "example"
	if strings.HasSuffix(p, "/default") {
		kind, what = faultDefault, "default"
	}
	err := visitValue(s, v, c.v31)
	if err == nil {
		return
	}
	c.add(docFault{pointer: p, kind: kind, annotation: c.v31 || kind == faultExample,
		msg: fmt.Sprintf("the %s of %s does not match its schema: %s", what, describeDocNode(parentPointer(p)), valueReason(err))})
}

// visitValue validates v against s, recovering from a schema kin-openapi
// cannot apply.
func visitValue(s *openapi3.Schema, v any, v31 bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the schema cannot be applied: %v", r)
		}
	}()
	var opts []openapi3.SchemaValidationOption
	if v31 {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	return s.VisitJSON(v, opts...)
}

// valueReason summarises why a value does not match, on one line, with
// where in the value when not at its root.
func valueReason(err error) string {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) || strings.HasPrefix(se.Reason, "jsonschema validation failed") {
		// JSON Schema 2020-12 results say it on their first line:
		// "validation failed due to: at '/a': got number, want string".
		msg := strings.TrimPrefix(firstLine(err.Error()), "validation failed due to: ")
		return strings.TrimPrefix(msg, "at '': ")
	}
	reason := firstLine(se.Reason)
	if path := se.JSONPointer(); len(path) > 0 {
		reason += " (at " + strings.Join(path, ".") + ")"
	}
	return reason
}

// add records a fault, once per node and cause.
func (c *docCheck) add(f docFault) {
	c.faults = append(c.faults, f)
}

// codeOf returns kin-openapi's code of err, or "" when it has none.
func codeOf(err error) string {
	var ce openapi3.CodedError
	if errors.As(err, &ce) {
		return ce.Code()
	}
	return ""
}

// leafMessage returns the message of the innermost error that says what is
// wrong, on one line, without the context kin-openapi wraps around it and
// without a schema dump.
func leafMessage(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) && se.Reason != "" {
		return firstLine(se.Reason)
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if !isContext(e) {
			return firstLine(e.Error())
		}
	}
	return firstLine(err.Error())
}

// isContext reports whether err only says where an inner error happened.
func isContext(err error) bool {
	switch err.(type) {
	case *openapi3.SectionValidationError, *openapi3.PathValidationError, *openapi3.OperationValidationError,
		*openapi3.ComponentValidationError, *openapi3.HeaderFieldValidationError, *openapi3.ParameterFieldValidationError,
		*openapi3.WebhookValidationError, *openapi3.SchemaCombinatorElementValidationError:
		return true
	}
	return false
}

// firstLine returns s up to its first line break.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}

// innermostOrigin returns the Origin carried by the innermost error of
// err's chain that has one.
func innermostOrigin(err error) *openapi3.Origin {
	var last *openapi3.Origin
	for e := err; e != nil; e = errors.Unwrap(e) {
		if o := originOf(e); o != nil {
			last = o
		}
	}
	return last
}

// shallowSchema copies s into out, with subschemas that are all empty
// (the one schema given: validating it finds nothing, so it need not be a
// copy per subschema) and without example and default, and returns out.
func shallowSchema(s *openapi3.Schema, empty *openapi3.SchemaRef, out *openapi3.Schema) *openapi3.Schema {
	*out = *s
	out.Default, out.Example = nil, nil
	stub := func(r *openapi3.SchemaRef) *openapi3.SchemaRef {
		if r == nil {
			return nil
		}
		return empty
	}
	refs := func(rs openapi3.SchemaRefs) openapi3.SchemaRefs {
		if rs == nil {
			return nil
		}
		out := make(openapi3.SchemaRefs, len(rs))
		for i, r := range rs {
			out[i] = stub(r)
		}
		return out
	}
	named := func(m openapi3.Schemas) openapi3.Schemas {
		if m == nil {
			return nil
		}
		out := make(openapi3.Schemas, len(m))
		for k, r := range m {
			out[k] = stub(r)
		}
		return out
	}
	out.AllOf, out.OneOf, out.AnyOf, out.PrefixItems = refs(s.AllOf), refs(s.OneOf), refs(s.AnyOf), refs(s.PrefixItems)
	out.Properties, out.PatternProperties, out.DependentSchemas, out.Defs = named(s.Properties), named(s.PatternProperties), named(s.DependentSchemas), named(s.Defs)
	out.Not, out.Items, out.Contains, out.PropertyNames = stub(s.Not), stub(s.Items), stub(s.Contains), stub(s.PropertyNames)
	out.If, out.Then, out.Else, out.ContentSchema = stub(s.If), stub(s.Then), stub(s.Else), stub(s.ContentSchema)
	out.AdditionalProperties.Schema = stub(s.AdditionalProperties.Schema)
	out.UnevaluatedItems.Schema = stub(s.UnevaluatedItems.Schema)
	out.UnevaluatedProperties.Schema = stub(s.UnevaluatedProperties.Schema)
	if s.Discriminator != nil {
		d := *s.Discriminator
		d.Mapping = nil
		out.Discriminator = &d
	}
	return out
}
