package mock

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// exampleSpecs are the real-estate example's connector specs.
var exampleSpecs = []string{"erp.json", "casavi.json", "everreal.json"}

// pageSize is the page size the example walks ask for, small enough for
// several pages of exampleRecords.
const (
	pageSize       = 3
	exampleRecords = 7
)

// TestExampleSpecsServeEveryEntity serves each example spec and, for every
// entity with a list operation, seeds records, lists them all through the
// entity's own paging style, deletes one through its delete operation and
// lists again.
func TestExampleSpecsServeEveryEntity(t *testing.T) {
	t.Parallel()
	for _, file := range exampleSpecs {
		t.Run(file, func(t *testing.T) {
			spec := loadSpec(t, "../../examples/realestate/"+file)
			srv, hs := serve(t, spec.Path, Options{})
			auth := exampleAuth(t, spec, hs.URL)
			for _, name := range sortedKeys(spec.Sync.Entities) {
				if spec.Sync.Entities[name].List == nil {
					continue
				}
				t.Run(name, func(t *testing.T) {
					w := exampleWalker{t: t, srv: srv, spec: spec, entity: name, base: hs.URL, auth: auth}
					w.check()
				})
			}
		})
	}
}

// exampleWalker lists one entity of an example spec like a client would,
// knowing only the spec.
type exampleWalker struct {
	t      *testing.T
	srv    *Server
	spec   *specs.Spec
	entity string
	base   string
	auth   []string
}

func (w exampleWalker) ent() *specs.Entity { return w.spec.Sync.Entities[w.entity] }

func (w exampleWalker) check() {
	keys := w.seed()
	if diff := cmp.Diff(keys, sorted(w.list())); diff != "" {
		w.t.Fatalf("listed keys (-want +got):\n%s", diff)
	}
	if w.ent().Delete == nil {
		return
	}
	w.remove(keys[0])
	if diff := cmp.Diff(keys[1:], sorted(w.list())); diff != "" {
		w.t.Errorf("listed keys after deleting %s (-want +got):\n%s", keys[0], diff)
	}
}

// seed stores records with their key and the constant list parameters
// that tell entities of a shared collection apart.
func (w exampleWalker) seed() []string {
	keys := makeKeys(w.entity, exampleRecords)
	recs := make([]map[string]any, len(keys))
	for i, k := range keys {
		recs[i] = map[string]any{}
		setPath(recs[i], w.ent().Key, k)
		for _, eq := range w.srv.cat.entities[w.entity].scope.equal {
			setPath(recs[i], eq.path, eq.value)
		}
	}
	if err := w.srv.Seed(w.entity, recs); err != nil {
		w.t.Fatal(err)
	}
	return keys
}

// list walks every page and returns the keys seen.
func (w exampleWalker) list() []string {
	var keys []string
	var next any
	for pages := 1; pages < maxWalk; pages++ {
		r := w.page(next)
		recs := r.records(w.t, w.ent().List.Records)
		keys = append(keys, keysOf(recs, w.ent().Key)...)
		if next = w.next(r, len(recs), pages, len(keys)); next == nil {
			return keys
		}
	}
	w.t.Fatal("listing does not end")
	return nil
}

// pagination is the entity's, else the spec's.
// pagination returns the decoded config of the entity's paging style, nil
// without one.
func (w exampleWalker) pagination() any {
	p := firstPaging(w.ent().Pagination, w.spec.Sync.Pagination)
	if p == nil {
		return nil
	}
	cfg, err := connectors.DefaultPaginators().Config(p)
	if err != nil {
		w.t.Fatal(err)
	}
	return cfg
}

// page fetches one page; next is what the previous page said comes next
// (a page number, offset, cursor or URL), nil for the first.
func (w exampleWalker) page(next any) reply {
	if w.ent().List.GraphQL != "" {
		vars := map[string]any{}
		for name, v := range w.pageParams(next) {
			setPath(vars, name, v)
		}
		return gql(w.t, w.base, w.ent().List.GraphQL, vars, w.auth...).want(w.t, 200)
	}
	if link, ok := next.(string); ok && strings.HasPrefix(link, "http") {
		return call(w.t, "GET", link, nil, w.auth...).want(w.t, 200)
	}
	q := url.Values{}
	for name, v := range w.ent().List.Params {
		if !strings.Contains(v, "{{") {
			q.Set(name, v)
		}
	}
	for name, v := range w.pageParams(next) {
		q.Set(name, fmt.Sprint(v))
	}
	return call(w.t, "GET", w.base+w.srv.cat.ops[w.ent().List.Operation].path+"?"+q.Encode(), nil, w.auth...).want(w.t, 200)
}

// pageParams are the paging parameters of a request, by name.
func (w exampleWalker) pageParams(next any) map[string]any {
	p := w.pagination()
	out := map[string]any{}
	set := func(name string, v any) {
		if name != "" && v != nil {
			out[name] = v
		}
	}
	switch p := p.(type) {
	case *connectors.PagePaging:
		set(p.SizeParam, pageSize)
		set(p.Param, next)
	case *connectors.OffsetPaging:
		set(p.LimitParam, pageSize)
		set(p.Param, next)
	case *connectors.CursorPaging:
		set(p.SizeParam, pageSize)
		set(p.Param, next)
	case *connectors.ConnectionPaging:
		set(p.First, pageSize)
		set(p.After, next)
	case *connectors.NextLinkPaging:
		set(p.SizeParam, pageSize)
	case *connectors.LinkHeaderPaging:
		set(p.SizeParam, pageSize)
	}
	return out
}

var linkRel = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

// next says what follows a page with n records, after pages pages and seen
// records in all: nil after the last. Page and offset styles end on a
// short page.
func (w exampleWalker) next(r reply, n, pages, seen int) any {
	if n == 0 {
		return nil
	}
	switch p := w.pagination().(type) {
	case *connectors.PagePaging:
		if n == pageSize {
			return p.FirstPage() + pages
		}
	case *connectors.OffsetPaging:
		if n == pageSize {
			return seen
		}
	case *connectors.CursorPaging:
		return nonEmpty(textAt(r.obj(w.t), p.Next))
	case *connectors.NextLinkPaging:
		return nonEmpty(textAt(r.obj(w.t), p.Path))
	case *connectors.LinkHeaderPaging:
		if m := linkRel.FindStringSubmatch(r.header.Get("Link")); m != nil {
			return m[1]
		}
	case *connectors.ConnectionPaging:
		if r.at(p.PageInfo+".hasNextPage") == true {
			return r.at(p.PageInfo + ".endCursor")
		}
	}
	return nil
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// remove deletes a record by key through the entity's delete operation.
func (w exampleWalker) remove(key string) {
	op := w.ent().Delete
	if op.GraphQL != "" {
		vars := map[string]any{}
		for name := range op.Variables {
			vars[name] = key
		}
		r := gql(w.t, w.base, op.GraphQL, vars, w.auth...).want(w.t, 200)
		if r.at("errors") != nil {
			w.t.Fatalf("delete %s: %s", key, r.raw)
		}
		return
	}
	ref := w.srv.cat.ops[op.Operation]
	path := ref.path
	for _, name := range ref.pathParams {
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(key))
	}
	if r := call(w.t, ref.method, w.base+path, nil, w.auth...); r.status >= 300 {
		w.t.Fatalf("delete %s: status %d: %s", key, r.status, r.raw)
	}
}

// exampleAuth logs in the way the spec's auth says and returns the
// headers to send.
func exampleAuth(t *testing.T, spec *specs.Spec, base string) []string {
	if spec.Sync.Auth == nil {
		return nil
	}
	cfg, err := connectors.DefaultAuth().Config(spec.Sync.Auth)
	if err != nil {
		t.Fatal(err)
	}
	switch a := cfg.(type) {
	case *connectors.AuthTokenLogin:
		body := map[string]any{}
		for field := range a.Body {
			setPath(body, field, "x")
		}
		ref := mustOp(t, spec, a.Operation)
		r := call(t, ref.Method, base+ref.Path, body).want(t, 200)
		return []string{a.HeaderName() + ": " + a.Prefix + textAt(r.obj(t), a.Token)}
	case *connectors.AuthOAuth2:
		form := url.Values{"grant_type": {a.Grant}, "client_id": {"id"}, "client_secret": {"s"}, "username": {"u"}, "password": {"p"}}
		r := postForm(t, base+servedTokenPath(a.TokenURL), form).want(t, 200)
		return []string{"Authorization: Bearer " + textAt(r.obj(t), "access_token")}
	}
	return nil
}

func mustOp(t *testing.T, spec *specs.Spec, id string) *specs.OperationRef {
	ref, ok := spec.Operation(id)
	if !ok {
		t.Fatalf("operation %q is not in the spec", id)
	}
	return ref
}
