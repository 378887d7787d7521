package specs

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// docWalk visits the nodes of an OpenAPI 3 document once each, with their
// JSON pointer. In the default mode a local $ref is not entered: its
// target is visited where it is written (or, when the walk never gets
// there, at the end, at the $ref's fragment), so that every node is met
// at its own pointer. With follow set, local $refs are entered where they
// are met: the walk then covers what a part of the document reaches.
//
// A docWalk is used once and is not safe for concurrent use.
type docWalk struct {
	// follow enters local $refs where they are met.
	follow bool
	// ref is called with each local $ref met (its fragment pointer);
	// nil ignores them.
	ref func(pointer string)
	// schema is called with each schema node; nil ignores them.
	schema func(p string, s *openapi3.SchemaRef)
	// value is called with each example or default at p and the schema it
	// should match (nil when there is none); nil ignores them.
	value func(p string, v any, s *openapi3.Schema)

	seen     map[any]bool
	deferred []deferredRef
	// outside counts the $refs into other files the walk is under: there
	// a "#..." $ref is local to that file, and is walked where it is met.
	outside int
}

// deferredRef is a local $ref whose target the walk has not met yet.
type deferredRef struct {
	pointer string
	visit   func(p string)
}

// localRef returns the pointer of a $ref into the same document, and
// whether ref is one.
func localRef(ref string) (string, bool) {
	p, ok := strings.CutPrefix(ref, "#")
	return p, ok
}

// enter decides whether the walk goes into a node reached through a
// reference object with $ref ref at p; visit walks the target at a
// pointer. It reports local $refs, defers them in the default mode, and
// marks v seen.
func (w *docWalk) enter(p, ref string, v any, visit func(p string)) bool {
	if w.seen == nil {
		w.seen = map[any]bool{}
	}
	if target, ok := localRef(ref); ok && ref != "" && w.outside == 0 {
		if w.ref != nil {
			w.ref(target)
		}
		if !w.follow {
			w.deferred = append(w.deferred, deferredRef{pointer: target, visit: visit})
			return false
		}
	}
	if w.seen[v] {
		return false
	}
	w.seen[v] = true
	return true
}

// into notes that the walk goes into another file when ref names one; the
// returned func notes that it is back.
func (w *docWalk) into(ref string) func() {
	if _, local := localRef(ref); ref == "" || local {
		return func() {}
	}
	w.outside++
	return func() { w.outside-- }
}

// document walks the whole document: components first, so that shared
// nodes are met at their definition, then paths and webhooks, then the
// targets of $refs that nothing else reached.
func (w *docWalk) document(doc *openapi3.T) {
	if c := doc.Components; c != nil {
		w.components(c)
	}
	if doc.Paths != nil {
		for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
			w.pathItem(jsonptr.Join("/paths", path), doc.Paths.Value(path))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Webhooks)) {
		w.pathItem(jsonptr.Join("/webhooks", name), doc.Webhooks[name])
	}
	for len(w.deferred) > 0 {
		d := w.deferred[0]
		w.deferred = w.deferred[1:]
		d.visit(d.pointer)
	}
}

func (w *docWalk) components(c *openapi3.Components) {
	for _, k := range slices.Sorted(maps.Keys(c.Schemas)) {
		w.schemaRef(jsonptr.Join("/components/schemas", k), c.Schemas[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Parameters)) {
		w.parameterRef(jsonptr.Join("/components/parameters", k), c.Parameters[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Headers)) {
		w.headerRef(jsonptr.Join("/components/headers", k), c.Headers[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.RequestBodies)) {
		w.requestBodyRef(jsonptr.Join("/components/requestBodies", k), c.RequestBodies[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Responses)) {
		w.responseRef(jsonptr.Join("/components/responses", k), c.Responses[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Callbacks)) {
		w.callbackRef(jsonptr.Join("/components/callbacks", k), c.Callbacks[k])
	}
}

func (w *docWalk) pathItem(p string, item *openapi3.PathItem) {
	if item == nil || !w.enter(p, "", item, nil) {
		return
	}
	w.parameters(jsonptr.Join(p, "parameters"), item.Parameters)
	ops := item.Operations()
	for _, method := range slices.Sorted(maps.Keys(ops)) {
		w.operation(jsonptr.Join(p, strings.ToLower(method)), ops[method])
	}
}

// operation walks one operation at p.
func (w *docWalk) operation(p string, op *openapi3.Operation) {
	if op == nil {
		return
	}
	w.parameters(jsonptr.Join(p, "parameters"), op.Parameters)
	w.requestBodyRef(jsonptr.Join(p, "requestBody"), op.RequestBody)
	if op.Responses != nil {
		for _, code := range slices.Sorted(maps.Keys(op.Responses.Map())) {
			w.responseRef(jsonptr.Join(p, "responses", code), op.Responses.Value(code))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(op.Callbacks)) {
		w.callbackRef(jsonptr.Join(p, "callbacks", k), op.Callbacks[k])
	}
}

func (w *docWalk) parameters(p string, ps openapi3.Parameters) {
	for i, ref := range ps {
		w.parameterRef(jsonptr.Join(p, strconv.Itoa(i)), ref)
	}
}

func (w *docWalk) parameterRef(p string, ref *openapi3.ParameterRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	defer w.into(ref.Ref)()
	visit := func(p string) { w.parameterRef(p, &openapi3.ParameterRef{Value: ref.Value}) }
	if w.enter(p, ref.Ref, ref.Value, visit) {
		w.parameter(p, &ref.Value.Schema, ref.Value.Content, ref.Value.Example, ref.Value.Examples)
	}
}

func (w *docWalk) headerRef(p string, ref *openapi3.HeaderRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	defer w.into(ref.Ref)()
	visit := func(p string) { w.headerRef(p, &openapi3.HeaderRef{Value: ref.Value}) }
	if w.enter(p, ref.Ref, ref.Value, visit) {
		h := &ref.Value.Parameter
		w.parameter(p, &h.Schema, h.Content, h.Example, h.Examples)
	}
}

// parameter walks the parts a parameter and a header share.
func (w *docWalk) parameter(p string, schema **openapi3.SchemaRef, content openapi3.Content, example any, examples openapi3.Examples) {
	w.schemaRef(jsonptr.Join(p, "schema"), *schema)
	w.content(jsonptr.Join(p, "content"), content)
	var s *openapi3.Schema
	if *schema != nil {
		s = (*schema).Value
	}
	w.examples(p, example, examples, s)
}

// examples reports the example and the examples written at p.
func (w *docWalk) examples(p string, example any, examples openapi3.Examples, s *openapi3.Schema) {
	if w.value == nil {
		return
	}
	if example != nil {
		w.value(jsonptr.Join(p, "example"), example, s)
	}
	for _, k := range slices.Sorted(maps.Keys(examples)) {
		if e := examples[k]; e != nil && e.Value != nil && e.Value.Value != nil {
			w.value(jsonptr.Join(p, "examples", k, "value"), e.Value.Value, s)
		}
	}
}

func (w *docWalk) content(p string, content openapi3.Content) {
	for _, k := range slices.Sorted(maps.Keys(content)) {
		mt := content[k]
		if mt == nil {
			continue
		}
		mp := jsonptr.Join(p, k)
		w.schemaRef(jsonptr.Join(mp, "schema"), mt.Schema)
		var s *openapi3.Schema
		if mt.Schema != nil {
			s = mt.Schema.Value
		}
		w.examples(mp, mt.Example, mt.Examples, s)
		for _, name := range slices.Sorted(maps.Keys(mt.Encoding)) {
			if enc := mt.Encoding[name]; enc != nil {
				w.headers(jsonptr.Join(mp, "encoding", name, "headers"), enc.Headers)
			}
		}
	}
}

func (w *docWalk) headers(p string, hs openapi3.Headers) {
	for _, k := range slices.Sorted(maps.Keys(hs)) {
		w.headerRef(jsonptr.Join(p, k), hs[k])
	}
}

func (w *docWalk) requestBodyRef(p string, ref *openapi3.RequestBodyRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	defer w.into(ref.Ref)()
	visit := func(p string) { w.requestBodyRef(p, &openapi3.RequestBodyRef{Value: ref.Value}) }
	if w.enter(p, ref.Ref, ref.Value, visit) {
		w.content(jsonptr.Join(p, "content"), ref.Value.Content)
	}
}

func (w *docWalk) responseRef(p string, ref *openapi3.ResponseRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	defer w.into(ref.Ref)()
	visit := func(p string) { w.responseRef(p, &openapi3.ResponseRef{Value: ref.Value}) }
	if w.enter(p, ref.Ref, ref.Value, visit) {
		w.headers(jsonptr.Join(p, "headers"), ref.Value.Headers)
		w.content(jsonptr.Join(p, "content"), ref.Value.Content)
	}
}

func (w *docWalk) callbackRef(p string, ref *openapi3.CallbackRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	defer w.into(ref.Ref)()
	visit := func(p string) { w.callbackRef(p, &openapi3.CallbackRef{Value: ref.Value}) }
	if w.enter(p, ref.Ref, ref.Value, visit) {
		m := ref.Value.Map()
		for _, k := range slices.Sorted(maps.Keys(m)) {
			w.pathItem(jsonptr.Join(p, k), m[k])
		}
	}
}

// schemaRef walks a schema and everything under it.
func (w *docWalk) schemaRef(p string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	defer w.into(ref.Ref)()
	visit := func(p string) { w.schemaRef(p, &openapi3.SchemaRef{Value: ref.Value}) }
	if !w.enter(p, ref.Ref, ref.Value, visit) {
		return
	}
	if w.schema != nil {
		w.schema(p, ref)
	}
	s := ref.Value
	w.schemaValues(p, s)
	for _, c := range schemaChildren(s) {
		w.schemaRef(jsonptr.Join(p, c.key...), c.ref)
	}
}

// schemaValues reports the default, example and examples of s.
func (w *docWalk) schemaValues(p string, s *openapi3.Schema) {
	if w.value == nil {
		return
	}
	if s.Default != nil {
		w.value(jsonptr.Join(p, "default"), s.Default, s)
	}
	if s.Example != nil {
		w.value(jsonptr.Join(p, "example"), s.Example, s)
	}
	for i, v := range s.Examples {
		w.value(jsonptr.Join(p, "examples", strconv.Itoa(i)), v, s)
	}
}

// schemaChild is a subschema of a schema, by the tokens of its relative
// pointer (properties name, items, allOf 0).
type schemaChild struct {
	key []string
	ref *openapi3.SchemaRef
}

// schemaChildren lists the subschemas of s, in a fixed order.
func schemaChildren(s *openapi3.Schema) []schemaChild {
	var out []schemaChild
	add := func(ref *openapi3.SchemaRef, key ...string) {
		if ref != nil {
			out = append(out, schemaChild{key, ref})
		}
	}
	one := func(key string, ref *openapi3.SchemaRef) { add(ref, key) }
	list := func(key string, refs openapi3.SchemaRefs) {
		for i, ref := range refs {
			add(ref, key, strconv.Itoa(i))
		}
	}
	named := func(key string, m openapi3.Schemas) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			add(m[k], key, k)
		}
	}
	list("allOf", s.AllOf)
	list("oneOf", s.OneOf)
	list("anyOf", s.AnyOf)
	one("not", s.Not)
	one("items", s.Items)
	named("properties", s.Properties)
	one("additionalProperties", s.AdditionalProperties.Schema)
	list("prefixItems", s.PrefixItems)
	one("contains", s.Contains)
	named("patternProperties", s.PatternProperties)
	named("dependentSchemas", s.DependentSchemas)
	named("$defs", s.Defs)
	one("propertyNames", s.PropertyNames)
	one("unevaluatedItems", s.UnevaluatedItems.Schema)
	one("unevaluatedProperties", s.UnevaluatedProperties.Schema)
	one("if", s.If)
	one("then", s.Then)
	one("else", s.Else)
	one("contentSchema", s.ContentSchema)
	return out
}
