package connectors

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/transforms"
)

// request is one call of an operation being put together: rendered
// parameters, GraphQL variables and body. It implements PageRequest for
// paginators.
type request struct {
	op      *operation
	out     *outbound
	path    []pathParam // few: a slice, over pathBuf while it fits
	pathBuf [2]pathParam
	query   url.Values
	header  http.Header
	cookies []*http.Cookie
	vars    map[string]any // GraphQL variables
	body    any            // REST body; nil means none
	follow  *url.URL       // set by Follow: the next page's full URL
	last    *url.URL       // URL of the last request sent
}

var _ PageRequest = (*request)(nil)

// pathParam is a rendered path parameter.
type pathParam struct{ name, value string }

// pathValue is the value of path parameter name; "" when it has none.
func (r *request) pathValue(name string) string {
	for _, p := range r.path {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// pathParams are the path parameters by name, as validation takes them.
func (r *request) pathParams() map[string]string {
	m := make(map[string]string, len(r.path))
	for _, p := range r.path {
		m[p.name] = p.value
	}
	return m
}

// newRequest renders op's parameter templates (and GraphQL variables) over
// vars.
func newRequest(op *operation, out *outbound, vars transforms.Vars) (*request, error) {
	r := &request{op: op, out: out}
	for _, f := range op.fills {
		v, err := f.tpl.render(vars)
		if err != nil {
			return nil, fmt.Errorf("%s: params.%s: %w", op.name, f.name, err)
		}
		r.place(f.name, f.in, v)
	}
	if op.graphql != nil {
		gv, err := op.graphql.variables(vars)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op.name, err)
		}
		r.vars = gv
	}
	return r, nil
}

// place puts a rendered value where the parameter goes. Empty query,
// header and cookie values are left out.
func (r *request) place(name, in, v string) {
	if in == "path" {
		for i := range r.path {
			if r.path[i].name == name {
				r.path[i].value = v
				return
			}
		}
		if r.path == nil {
			r.path = r.pathBuf[:0]
		}
		r.path = append(r.path, pathParam{name, v})
		return
	}
	if v == "" {
		return
	}
	switch in {
	case "header":
		if r.header == nil {
			r.header = http.Header{}
		}
		r.header.Set(name, v)
	case "cookie":
		r.cookies = append(r.cookies, &http.Cookie{Name: name, Value: v})
	default:
		if r.query == nil {
			r.query = url.Values{}
		}
		r.query.Set(name, v)
	}
}

// Set implements PageRequest.
func (r *request) Set(param string, value any) error {
	if r.op.graphql != nil {
		return setAt(r.vars, jsonvalue.ParsePath(param), value)
	}
	in, ok := r.op.paramIn(param)
	if !ok {
		in = "query"
	}
	r.place(param, in, paramText(value))
	return nil
}

// Follow implements PageRequest.
func (r *request) Follow(link string) error {
	from := r.last
	if from == nil {
		from = r.out.base
	}
	u, err := r.out.resolve(from, link)
	if err != nil {
		return err
	}
	r.follow = u
	return nil
}

// paramText is the text of a value a paginator sets: a scalar as
// jsonvalue.Text renders it (1e6 as 1000000), anything else as fmt prints it.
func paramText(v any) string {
	if s, ok := jsonvalue.Text(v); ok {
		return s
	}
	return fmt.Sprint(v)
}

// url builds the request URL: the followed link, or the base URL, the
// path with its parameters escaped, and the query.
func (r *request) url() (*url.URL, error) {
	if r.follow != nil {
		u := *r.follow
		return &u, nil
	}
	u := *r.out.base
	var plainRoom, rawRoom [128]byte // most paths are built on the stack
	plain := append(plainRoom[:0], u.Path...)
	raw := append(rawRoom[:0], u.EscapedPath()...)
	escaped := u.RawPath != "" // the path needs its own escaping
	for _, s := range r.op.segments {
		if !s.param {
			plain, raw = append(plain, s.text...), append(raw, s.text...)
			continue
		}
		v := r.pathValue(s.text)
		if v == "" || v == "." || v == ".." {
			return nil, fmt.Errorf("%s: path parameter {%s} rendered %q; it needs a value that names a record", r.op.name, s.text, v)
		}
		esc := url.PathEscape(v)
		escaped = escaped || esc != v
		plain, raw = append(plain, v...), append(raw, esc...)
	}
	u.Path, u.RawPath = string(plain), ""
	if escaped {
		u.RawPath = string(raw)
	}
	u.RawQuery = r.query.Encode()
	return &u, nil
}

// payload returns the JSON body to send: the GraphQL envelope, the REST
// body, or nil.
func (r *request) payload() any {
	if r.op.graphql != nil {
		return r.op.graphql.envelope(r.vars)
	}
	return r.body
}

// bufPool recycles the buffers of request and response bodies.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer {
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		bufPool.Put(b)
	}
}

// encoded is a request ready to be sent, as many times as retries need.
type encoded struct {
	method string
	url    *url.URL
	header http.Header
	body   *bytes.Buffer // nil: no body
	// text reads a 2xx response into response.text (a list response).
	text bool
}

// encode fixes the URL, header and body of the request.
func (r *request) encode() (*encoded, error) {
	u, err := r.url()
	if err != nil {
		return nil, err
	}
	e := &encoded{method: r.op.method, url: u}
	p := r.payload()
	if p != nil {
		e.body = getBuf()
		if err := encodeJSON(e.body, p); err != nil {
			putBuf(e.body)
			return nil, fmt.Errorf("%s: encoding the body: %w", r.op.name, err)
		}
	}
	r.last = u
	if len(r.header) == 0 && len(r.cookies) == 0 && r.op.spec.IdempotencyKey == "" {
		// Nothing of its own: the header every such request sends.
		e.header = plainHeaders[p != nil]
		return e, nil
	}
	e.header = make(http.Header, len(r.header)+3)
	for k, v := range r.header {
		e.header[k] = v[:len(v):len(v)] // an Add copies instead of writing into r's
	}
	for _, ck := range r.cookies {
		e.header.Add("Cookie", ck.String())
	}
	e.header["Accept"] = jsonMediaType()
	if p != nil {
		e.header["Content-Type"] = jsonMediaType()
	}
	return e, nil
}

// plainHeaders are the headers of requests without parameters, cookies
// or idempotency keys in their header, by whether they have a body. They
// are shared and never changed: httpRequest copies a header before
// credentials are added, and nothing else writes to one.
var plainHeaders = map[bool]http.Header{
	false: {"Accept": jsonMediaType()},
	true:  {"Accept": jsonMediaType(), "Content-Type": jsonMediaType()},
}

// jsonMediaType is the header value "application/json", shared: its
// capacity is its length, so an Add to it copies it.
func jsonMediaType() []string { return jsonValue[:1:1] }

var jsonValue = []string{"application/json"}

// httpRequest makes one attempt's *http.Request. Its header is a copy
// when the caller changes it (adds credentials); otherwise it is e's,
// which nothing on the way changes.
func (e *encoded) httpRequest(ctx context.Context, changesHeader bool) (*http.Request, error) {
	var body io.Reader
	if e.body != nil {
		body = bytes.NewReader(e.body.Bytes())
	}
	req, err := http.NewRequestWithContext(ctx, e.method, "/", body)
	if err != nil {
		return nil, err
	}
	u := *e.url
	req.URL, req.Host = &u, u.Host
	req.Header = e.header
	if changesHeader {
		req.Header = e.header.Clone()
	}
	return req, nil
}

// bodyBytes returns the encoded body; nil when there is none.
func (e *encoded) bodyBytes() []byte {
	if e.body == nil {
		return nil
	}
	return e.body.Bytes()
}

// release returns the body buffer to the pool.
func (e *encoded) release() {
	if e.body != nil {
		putBuf(e.body)
		e.body = nil
	}
}
