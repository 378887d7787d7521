package samples

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// methods are the methods of a path item, in the order they are built.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// operation is one method of one route, with the merged shapes of its
// bodies: per media type for the request, per status and media type for
// the responses. A body that is not JSON has a nil shape.
type operation struct {
	route     *route
	method    string
	samples   []*Sample
	requests  map[string]*shape
	responses map[int]map[string]*shape
	// firstRequest and firstResponse hold the first body seen per media
	// type (and status), for examples.
	firstRequest  map[string]any
	firstResponse map[int]map[string]any
}

// operations splits the samples of each route by method.
func operations(routes []*route) []*operation {
	var out []*operation
	for _, r := range routes {
		for _, m := range methods {
			op := &operation{route: r, method: m, requests: map[string]*shape{}, responses: map[int]map[string]*shape{},
				firstRequest: map[string]any{}, firstResponse: map[int]map[string]any{}}
			for _, s := range r.samples {
				if s.Method == m {
					op.add(s)
				}
			}
			if len(op.samples) > 0 {
				out = append(out, op)
			}
		}
	}
	return out
}

// add merges one sample's bodies into the operation.
func (op *operation) add(s *Sample) {
	op.samples = append(op.samples, s)
	if b := s.RequestBody; b != nil {
		addBody(op.requests, op.firstRequest, b)
	}
	if op.responses[s.Status] == nil {
		op.responses[s.Status] = map[string]*shape{}
		op.firstResponse[s.Status] = map[string]any{}
	}
	if b := s.ResponseBody; b != nil {
		addBody(op.responses[s.Status], op.firstResponse[s.Status], b)
	}
}

func addBody(shapes map[string]*shape, first map[string]any, b *Body) {
	v, ok := bodyValue(b)
	if !ok {
		if _, seen := shapes[b.MediaType]; !seen {
			shapes[b.MediaType] = nil
		}
		return
	}
	sh := shapes[b.MediaType]
	if sh == nil {
		sh = &shape{}
		shapes[b.MediaType] = sh
		first[b.MediaType] = v
	}
	sh.add(v)
}

// bodyValue returns a body as a JSON value: a JSON body's, or a form's
// members as an object of strings.
func bodyValue(b *Body) (any, bool) {
	switch {
	case b.JSON:
		return b.Value, true
	case b.Form != nil:
		obj := map[string]any{}
		for _, p := range b.Form {
			obj[p.Name] = p.Value
		}
		return obj, true
	}
	return nil, false
}

// successShape returns the shape of the lowest 2xx status of the
// operation that has a JSON body, or nil.
func (op *operation) successShape() *shape {
	for _, code := range slices.Sorted(maps.Keys(op.responses)) {
		if code < 200 || code > 299 {
			continue
		}
		for _, mt := range slices.Sorted(maps.Keys(op.responses[code])) {
			if sh := op.responses[code][mt]; sh != nil {
				return sh
			}
		}
	}
	return nil
}

// build returns the OpenAPI operation.
func (op *operation) build(in *inference, id string) *openapi3.Operation {
	o := openapi3.NewOperation()
	o.OperationID = id
	o.Summary = op.method + " " + op.route.path + ", inferred from " + plural(len(op.samples), "sample")
	o.Parameters = slices.Concat(pathParameters(op.route), queryParameters(op.samples), headerParameters(op.samples))
	o.RequestBody = op.requestBody(in)
	o.Responses = openapi3.NewResponses()
	for _, code := range slices.Sorted(maps.Keys(op.responses)) {
		o.Responses.Set(strconv.Itoa(code), &openapi3.ResponseRef{Value: op.response(in, code)})
	}
	o.Security = in.operationSecurity(op.samples)
	return o
}

func (op *operation) requestBody(in *inference) *openapi3.RequestBodyRef {
	if len(op.requests) == 0 {
		return nil
	}
	rb := openapi3.NewRequestBody()
	rb.Content = in.content(op.requests, op.firstRequest, schemaOptions{minRequired: 2, components: in.components})
	rb.Required = true
	for _, s := range op.samples {
		if s.RequestBody == nil {
			rb.Required = false
		}
	}
	return &openapi3.RequestBodyRef{Value: rb}
}

func (op *operation) response(in *inference, code int) *openapi3.Response {
	desc := http.StatusText(code)
	if desc == "" {
		desc = "Status " + strconv.Itoa(code)
	}
	resp := openapi3.NewResponse().WithDescription(desc)
	if len(op.responses[code]) > 0 {
		resp.Content = in.content(op.responses[code], op.firstResponse[code], schemaOptions{minRequired: 1, components: in.components})
	}
	resp.Headers = responseHeaders(op.samples, code)
	return resp
}

// content returns the media types of a body; a body that is not JSON is
// described as a string of bytes.
func (in *inference) content(shapes map[string]*shape, first map[string]any, o schemaOptions) openapi3.Content {
	c := openapi3.NewContent()
	for _, mt := range slices.Sorted(maps.Keys(shapes)) {
		m := openapi3.NewMediaType()
		if sh := shapes[mt]; sh != nil {
			m.Schema = sh.schema(o)
			if in.opts.Examples {
				m.Example = redact(first[mt])
			}
		} else {
			m.Schema = openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: "binary"})
		}
		if mt == "" {
			mt = "application/octet-stream"
		}
		c[mt] = m
	}
	return c
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
