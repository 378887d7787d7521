package samples

import (
	"net/http"
	"strings"
)

// Sample is one captured exchange: the request a client sent and the
// response it got. Header values stay in memory only to recognise auth
// methods; they are never written to the inferred document.
type Sample struct {
	// Source says where the sample was read, for notes: a file, or a HAR
	// file with the JSON pointer of its entry.
	Source string
	// Method is the HTTP method in upper case.
	Method string
	// Origin is the scheme and host ("https://api.example.com"); empty
	// when the capture does not say (the JSON-files form).
	Origin string
	// Path is the URL path without the query, starting with "/".
	Path string
	// Query holds the query parameters in the order they were sent.
	Query []Pair
	// RequestHeaders and ResponseHeaders hold the headers in the order
	// they were sent; RequestHeaders is nil when they were not captured.
	RequestHeaders  []Pair
	RequestBody     *Body
	Status          int
	ResponseHeaders []Pair
	ResponseBody    *Body
}

// Pair is one name and value of a query string, a header list or a form.
type Pair struct {
	Name, Value string
}

// Body is a request or response body. Value holds a decoded JSON body
// (maps, slices, json.Number, string, bool, nil); Form the members of a
// form-encoded one. A body of any other type has neither.
type Body struct {
	MediaType string
	Value     any
	Form      []Pair
	// JSON is true when Value holds a decoded JSON body (which may be
	// null).
	JSON bool
}

// header returns the value of the first header named name, compared
// case-insensitively.
func header(pairs []Pair, name string) (string, bool) {
	for _, p := range pairs {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// mediaType returns the media type of a Content-Type value without its
// parameters, in lower case.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// isJSONType reports whether a media type carries JSON
// (application/json, application/problem+json, text/json...).
func isJSONType(mt string) bool {
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

// canonicalMethod returns the method in upper case when it is one an
// OpenAPI path item has.
func canonicalMethod(m string) (string, bool) {
	m = strings.ToUpper(m)
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return m, true
	}
	return m, false
}
