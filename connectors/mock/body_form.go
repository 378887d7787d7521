package mock

import (
	"mime"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
)

// formContentType is the media type of HTML form bodies, which some APIs
// (Twilio's) take for their writes instead of JSON.
const formContentType = "application/x-www-form-urlencoded"

// writeBody decodes the body of a REST write: form fields when the request
// says it is a form, else a JSON object.
func writeBody(x *exchange) (map[string]any, error) {
	if mt, _, _ := mime.ParseMediaType(x.r.Header.Get("Content-Type")); mt == formContentType {
		return formObject(x.body, formSchema(x.ref.op))
	}
	return bodyObject(x.body, "body")
}

// formObject decodes form fields into an object: a field given more than
// once, or declared an array, is a list of strings; others are strings.
func formObject(data []byte, schema *openapi3.Schema) (map[string]any, error) {
	values, err := url.ParseQuery(string(data))
	if err != nil {
		return nil, &inputError{in: "body", msg: "must be form fields: " + err.Error()}
	}
	doc := make(map[string]any, len(values))
	for name, vs := range values {
		if len(vs) == 1 && !declaresArray(schema, name) {
			doc[name] = vs[0]
			continue
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		doc[name] = list
	}
	return doc, nil
}

// formSchema is the schema of op's form body; nil when it declares none.
func formSchema(op *openapi3.Operation) *openapi3.Schema {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get(formContentType)
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// declaresArray reports whether schema declares the property an array.
func declaresArray(schema *openapi3.Schema, name string) bool {
	if schema == nil {
		return false
	}
	p := schema.Properties[name]
	return p != nil && p.Value != nil && p.Value.Type.Is(openapi3.TypeArray)
}
