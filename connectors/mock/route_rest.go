package mock

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// router matches request paths against the path templates of the
// document. A request path matches as it is, or after one of the servers'
// base paths ("/v2" of "https://api.example.com/v2") is taken off it, so a
// client may point at the mock with or without the base path.
type router struct {
	routes   []route
	prefixes []string
}

// route is one path template with its operations by method.
type route struct {
	segs     []string // literal segments; "" where a parameter goes
	names    []string // parameter names; "" where a literal goes
	literals int
	methods  map[string]*opRef
}

func newRouter(doc *openapi3.T) *router {
	rt := &router{prefixes: serverPrefixes(doc)}
	byPath := map[string]*route{}
	for _, ref := range indexOps(doc) {
		r := byPath[ref.path]
		if r == nil {
			r = newRoute(ref.path)
			byPath[ref.path] = r
		}
		r.methods[ref.method] = ref
	}
	for _, r := range byPath {
		rt.routes = append(rt.routes, *r)
	}
	// Literal segments win over parameters: /tenants/search before /tenants/{id}.
	sort.Slice(rt.routes, func(i, j int) bool {
		a, b := rt.routes[i], rt.routes[j]
		if a.literals != b.literals {
			return a.literals > b.literals
		}
		return strings.Join(a.segs, "/") < strings.Join(b.segs, "/")
	})
	return rt
}

func newRoute(path string) *route {
	r := &route{methods: map[string]*opRef{}}
	for _, seg := range splitPath(path) {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			r.segs = append(r.segs, "")
			r.names = append(r.names, seg[1:len(seg)-1])
			continue
		}
		r.segs = append(r.segs, seg)
		r.names = append(r.names, "")
		r.literals++
	}
	return r
}

// serverPrefixes are the paths of the document's server URLs, with
// variables at their defaults.
func serverPrefixes(doc *openapi3.T) []string {
	var out []string
	for _, s := range doc.Servers {
		u := s.URL
		for name, v := range s.Variables {
			if v != nil {
				u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
			}
		}
		parsed, err := url.Parse(u)
		if err != nil {
			continue
		}
		if p := strings.TrimSuffix(parsed.Path, "/"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the operation of r and its path parameters. Without a match
// it returns the status to answer: 404, or 405 when the path is known.
func (rt *router) match(r *http.Request) (*opRef, map[string]string, int) {
	path := r.URL.EscapedPath()
	ref, params, status := rt.matchPath(r.Method, path)
	for _, prefix := range rt.prefixes {
		if ref != nil {
			break
		}
		if rest, ok := strings.CutPrefix(path, prefix); ok && (rest == "" || rest[0] == '/') {
			var st int
			if ref, params, st = rt.matchPath(r.Method, rest); st == http.StatusMethodNotAllowed {
				status = st
			}
		}
	}
	return ref, params, status
}

func (rt *router) matchPath(method, escaped string) (*opRef, map[string]string, int) {
	segs := splitPath(escaped)
	status := http.StatusNotFound
	for i := range rt.routes {
		r := &rt.routes[i]
		params, ok := r.matchSegs(segs)
		if !ok {
			continue
		}
		if ref := r.methods[method]; ref != nil {
			return ref, params, 0
		}
		status = http.StatusMethodNotAllowed
	}
	return nil, nil, status
}

func (r *route) matchSegs(segs []string) (map[string]string, bool) {
	if len(segs) != len(r.segs) {
		return nil, false
	}
	var params map[string]string
	for i, seg := range segs {
		v, err := url.PathUnescape(seg)
		if err != nil {
			return nil, false
		}
		if r.names[i] == "" {
			if v != r.segs[i] {
				return nil, false
			}
			continue
		}
		if params == nil {
			params = make(map[string]string, len(r.names))
		}
		params[r.names[i]] = v
	}
	return params, true
}

// serveREST answers an operation of a REST spec.
func (s *Server) serveREST(x *exchange) {
	bs := s.cat.rest[x.ref.id]
	if len(bs) == 0 {
		writeProblem(x.w, http.StatusNotImplemented, fmt.Sprintf("operation %q is not used by any x-sync entity, so the mock does not serve it", x.ref.id), nil)
		return
	}
	b := bs[0]
	x.name = b.name()
	var err error
	switch b.action {
	case actList:
		err = s.restList(x, b)
	case actGet:
		err = s.restGet(x, b)
	case actLookup:
		err = s.restLookup(x, b)
	default:
		err = s.restWrite(x, b)
	}
	if err != nil {
		s.restError(x, err)
	}
}

func (s *Server) restError(x *exchange, err error) {
	status := statusOf(err)
	var errs []fieldError
	if ie, ok := err.(*inputError); ok {
		errs = []fieldError{ie.fieldError()}
	}
	if status == http.StatusInternalServerError {
		x.rt.log.Error("mock request failed", "operation", x.name, "err", err)
	}
	writeProblem(x.w, status, err.Error(), errs)
}

// queryParams reads query parameters.
func queryParams(r *http.Request) params {
	q := r.URL.Query()
	return func(name string) (string, bool) {
		v := q.Get(name)
		return v, v != ""
	}
}

// linkFor makes next-page URLs: the request's own URL, absolute, with the
// cursor in linkCursorParam.
func linkFor(r *http.Request) func(token string) string {
	return func(token string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath}
		if r.TLS != nil {
			u.Scheme = "https"
		}
		q := r.URL.Query()
		q.Set(linkCursorParam, token)
		u.RawQuery = q.Encode()
		return u.String()
	}
}

func (s *Server) restList(x *exchange, b *binding) error {
	l, err := s.list(x, b, queryParams(x.r))
	if err != nil {
		return err
	}
	body, err := shape(b.paging, b.op.Records, l, linkFor(x.r), x.w.Header())
	if err != nil {
		return err
	}
	writeJSON(x.w, successStatus(x.ref.op, http.StatusOK), body)
	return nil
}

// restIdent is the record a request addresses: the last path parameter,
// else the query parameter named like the id field.
func restIdent(x *exchange, b *binding) string {
	if id := x.ref.lastParam(x.path); id != "" {
		return id
	}
	return x.r.URL.Query().Get(b.idField())
}

func (s *Server) restGet(x *exchange, b *binding) error {
	ident := restIdent(x, b)
	r, ok := b.coll.get(ident)
	if !ok {
		return fmt.Errorf("%s %q: %w", b.entity, ident, errNotFound)
	}
	return s.writeRecord(x, b, firstNonEmpty(b.op.Result, b.op.Records), r, http.StatusOK)
}

// restLookup finds records by key. With the key in the path it answers
// one object (404 when none); otherwise a list of every record with the
// key, duplicates included.
func (s *Server) restLookup(x *exchange, b *binding) error {
	key := x.ref.lastParam(x.path)
	if key == "" {
		key = lookupKey(x.r, b)
	}
	if key == "" {
		return &inputError{in: "parameter", field: lastSegment(b.ent.Key), msg: "a lookup needs the record's key"}
	}
	rows := b.coll.withKey(key)
	if len(x.ref.pathParams) > 0 {
		if len(rows) == 0 {
			return fmt.Errorf("%s key %q: %w", b.entity, key, errNotFound)
		}
		return s.writeRecord(x, b, firstNonEmpty(b.op.Result, b.op.Records), rows[0], http.StatusOK)
	}
	body, err := shape(nil, b.op.Records, listing{page: rowsPage(rows)}, nil, x.w.Header())
	if err != nil {
		return err
	}
	writeJSON(x.w, successStatus(x.ref.op, http.StatusOK), body)
	return nil
}

// lookupKey reads a lookup's key from the query: the parameter named like
// the key field, else the only parameter given.
func lookupKey(r *http.Request, b *binding) string {
	q := r.URL.Query()
	if v := q.Get(lastSegment(b.ent.Key)); v != "" {
		return v
	}
	if len(q) == 1 {
		for _, vs := range q {
			return vs[0]
		}
	}
	return ""
}

func (s *Server) restWrite(x *exchange, b *binding) error {
	var doc map[string]any
	if b.action != actDelete || len(bytes.TrimSpace(x.body)) > 0 {
		var err error
		if doc, err = writeBody(x); err != nil {
			return err
		}
	}
	ident := restIdent(x, b)
	var (
		r       row
		err     error
		created bool
	)
	switch b.action {
	case actCreate:
		r, err = s.create(x, b, doc)
		created = true
	case actUpdate:
		r, err = s.update(x, b, firstNonEmpty(ident, identFromDoc(b.ent, doc)), doc)
	case actUpsert:
		r, created, err = s.upsert(x, b, firstNonEmpty(x.ref.lastParam(x.path), textAt(doc, b.ent.Key)), doc)
	case actDelete:
		r, err = s.remove(x, b, firstNonEmpty(ident, identFromDoc(b.ent, doc)))
	}
	if err != nil {
		return err
	}
	return s.writeRecord(x, b, b.op.Result, r, writeStatus(b.action, created))
}

// writeStatus is the preferred status of a successful write.
func writeStatus(a action, created bool) int {
	switch {
	case created:
		return http.StatusCreated
	case a == actDelete:
		return http.StatusNoContent
	}
	return http.StatusOK
}

// writeRecord answers with a record at a result path.
func (s *Server) writeRecord(x *exchange, b *binding, path string, r row, preferred int) error {
	body, err := resultBody(path, b.idField(), r)
	if err != nil {
		return err
	}
	writeJSON(x.w, successStatus(x.ref.op, preferred), body)
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
