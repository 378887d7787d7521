package specs

import (
	"maps"

	"github.com/getkin/kin-openapi/openapi3"
)

// skeleton copies the objects of an OpenAPI 3 document that are not
// schemas, with every schema replaced by an empty one. kin-openapi's
// document validation run on it finds the faults of those objects (a
// missing description, a path parameter not declared, a duplicate
// operationId) without walking the schemas again from every place that
// references them: schemas are checked one node at a time (checkSchema).
// The document itself is never changed.
//
// A skeleton is used once and is not safe for concurrent use.
type skeleton struct {
	copies map[any]any
}

// emptySchema stands for every schema of a skeleton; it is valid in every
// OpenAPI version.
func emptySchema(ref *openapi3.SchemaRef) *openapi3.SchemaRef {
	if ref == nil {
		return nil
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{}}
}

// skeletonOf returns the skeleton of doc.
func skeletonOf(doc *openapi3.T) *openapi3.T {
	k := &skeleton{copies: map[any]any{}}
	out := *doc
	if doc.Components != nil {
		out.Components = k.components(doc.Components)
	}
	if doc.Paths != nil {
		out.Paths = openapi3.NewPathsWithCapacity(doc.Paths.Len())
		out.Paths.Extensions, out.Paths.Origin = doc.Paths.Extensions, doc.Paths.Origin
		for path, item := range doc.Paths.Map() {
			out.Paths.Set(path, k.pathItem(item))
		}
	}
	if doc.Webhooks != nil {
		out.Webhooks = make(map[string]*openapi3.PathItem, len(doc.Webhooks))
		for name, item := range doc.Webhooks {
			out.Webhooks[name] = k.pathItem(item)
		}
	}
	return &out
}

// memo returns the copy of v already made, or makes it with build.
func memo[T any](k *skeleton, v *T, build func() *T) *T {
	if v == nil {
		return nil
	}
	if c, ok := k.copies[v]; ok {
		return c.(*T)
	}
	c := build()
	k.copies[v] = c
	return c
}

func (k *skeleton) components(c *openapi3.Components) *openapi3.Components {
	out := *c
	out.Schemas = make(openapi3.Schemas, len(c.Schemas))
	for name, ref := range c.Schemas {
		out.Schemas[name] = emptySchema(ref)
	}
	out.Parameters = make(openapi3.ParametersMap, len(c.Parameters))
	for name, ref := range c.Parameters {
		out.Parameters[name] = k.parameterRef(ref)
	}
	out.Headers = k.headers(c.Headers)
	out.RequestBodies = make(openapi3.RequestBodies, len(c.RequestBodies))
	for name, ref := range c.RequestBodies {
		out.RequestBodies[name] = k.requestBodyRef(ref)
	}
	out.Responses = make(openapi3.ResponseBodies, len(c.Responses))
	for name, ref := range c.Responses {
		out.Responses[name] = k.responseRef(ref)
	}
	out.Callbacks = make(openapi3.Callbacks, len(c.Callbacks))
	for name, ref := range c.Callbacks {
		out.Callbacks[name] = k.callbackRef(ref)
	}
	return &out
}

func (k *skeleton) pathItem(item *openapi3.PathItem) *openapi3.PathItem {
	return memo(k, item, func() *openapi3.PathItem {
		out := *item
		out.AdditionalOperations = maps.Clone(item.AdditionalOperations)
		out.Parameters = k.parameters(item.Parameters)
		for method, op := range item.Operations() {
			out.SetOperation(method, k.operation(op))
		}
		return &out
	})
}

func (k *skeleton) operation(op *openapi3.Operation) *openapi3.Operation {
	return memo(k, op, func() *openapi3.Operation {
		out := *op
		out.Parameters = k.parameters(op.Parameters)
		out.RequestBody = k.requestBodyRef(op.RequestBody)
		if op.Responses != nil {
			out.Responses = openapi3.NewResponsesWithCapacity(op.Responses.Len())
			out.Responses.Extensions, out.Responses.Origin = op.Responses.Extensions, op.Responses.Origin
			for code, ref := range op.Responses.Map() {
				out.Responses.Set(code, k.responseRef(ref))
			}
		}
		if op.Callbacks != nil {
			out.Callbacks = make(openapi3.Callbacks, len(op.Callbacks))
			for name, ref := range op.Callbacks {
				out.Callbacks[name] = k.callbackRef(ref)
			}
		}
		return &out
	})
}

func (k *skeleton) parameters(ps openapi3.Parameters) openapi3.Parameters {
	if ps == nil {
		return nil
	}
	out := make(openapi3.Parameters, len(ps))
	for i, ref := range ps {
		out[i] = k.parameterRef(ref)
	}
	return out
}

func (k *skeleton) parameterRef(ref *openapi3.ParameterRef) *openapi3.ParameterRef {
	return memo(k, ref, func() *openapi3.ParameterRef {
		out := *ref
		out.Value = memo(k, ref.Value, func() *openapi3.Parameter {
			p := *ref.Value
			p.Schema = emptySchema(p.Schema)
			p.Content = k.content(p.Content)
			return &p
		})
		return &out
	})
}

func (k *skeleton) headers(hs openapi3.Headers) openapi3.Headers {
	if hs == nil {
		return nil
	}
	out := make(openapi3.Headers, len(hs))
	for name, ref := range hs {
		out[name] = k.headerRef(ref)
	}
	return out
}

func (k *skeleton) headerRef(ref *openapi3.HeaderRef) *openapi3.HeaderRef {
	return memo(k, ref, func() *openapi3.HeaderRef {
		out := *ref
		out.Value = memo(k, ref.Value, func() *openapi3.Header {
			h := *ref.Value
			h.Schema = emptySchema(h.Schema)
			h.Content = k.content(h.Content)
			return &h
		})
		return &out
	})
}

func (k *skeleton) content(c openapi3.Content) openapi3.Content {
	if c == nil {
		return nil
	}
	out := make(openapi3.Content, len(c))
	for name, mt := range c {
		out[name] = memo(k, mt, func() *openapi3.MediaType {
			m := *mt
			m.Schema = emptySchema(mt.Schema)
			if mt.Encoding != nil {
				m.Encoding = make(map[string]*openapi3.Encoding, len(mt.Encoding))
				for n, enc := range mt.Encoding {
					m.Encoding[n] = memo(k, enc, func() *openapi3.Encoding {
						e := *enc
						e.Headers = k.headers(enc.Headers)
						return &e
					})
				}
			}
			return &m
		})
	}
	return out
}

func (k *skeleton) requestBodyRef(ref *openapi3.RequestBodyRef) *openapi3.RequestBodyRef {
	return memo(k, ref, func() *openapi3.RequestBodyRef {
		out := *ref
		out.Value = memo(k, ref.Value, func() *openapi3.RequestBody {
			b := *ref.Value
			b.Content = k.content(b.Content)
			return &b
		})
		return &out
	})
}

func (k *skeleton) responseRef(ref *openapi3.ResponseRef) *openapi3.ResponseRef {
	return memo(k, ref, func() *openapi3.ResponseRef {
		out := *ref
		out.Value = memo(k, ref.Value, func() *openapi3.Response {
			r := *ref.Value
			r.Headers = k.headers(r.Headers)
			r.Content = k.content(r.Content)
			return &r
		})
		return &out
	})
}

func (k *skeleton) callbackRef(ref *openapi3.CallbackRef) *openapi3.CallbackRef {
	return memo(k, ref, func() *openapi3.CallbackRef {
		out := *ref
		out.Value = memo(k, ref.Value, func() *openapi3.Callback {
			m := ref.Value.Map()
			c := openapi3.NewCallbackWithCapacity(len(m))
			c.Extensions, c.Origin = ref.Value.Extensions, ref.Value.Origin
			for expr, item := range m {
				c.Set(expr, k.pathItem(item))
			}
			return c
		})
		return &out
	})
}
