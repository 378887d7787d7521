package connectors_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/specs"
)

const pageSize = 10

// pagingFixtures are the conformance fixtures of every built-in paging
// style, by style name; a style may have several (stop rules, GraphQL).
var pagingFixtures = map[string][]struct {
	variant string
	factory connectortest.PaginatorFactory
}{
	"page": {
		{"empty page", pageFixture(nil)},
		{"short page", pageFixture(&specs.StopRules{Short: true})},
		{"total", pageFixture(&specs.StopRules{Total: "total"})},
		{"has more", pageFixture(&specs.StopRules{HasMore: "hasMore"})},
		{"zero-based", pageFromFixture(0, &specs.StopRules{Short: true})},
	},
	"offset": {
		{"rest", offsetFixture},
		{"graphql skip take", graphqlOffsetFixture},
	},
	"cursor":     {{"", cursorFixture}},
	"nextLink":   {{"absolute", nextLinkFixture(true)}, {"relative", nextLinkFixture(false)}},
	"linkHeader": {{"", linkHeaderFixture}},
	"connection": {{"", connectionFixture}},
}

func TestPaginatorConformance(t *testing.T) {
	t.Parallel()
	for _, name := range connectors.DefaultPaginators().Names() {
		fixtures, ok := pagingFixtures[name]
		if !ok {
			t.Errorf("paging style %q has no conformance fixture", name)
			continue
		}
		for _, f := range fixtures {
			label := name
			if f.variant != "" {
				label += "/" + f.variant
			}
			connectortest.RunPaginator(t, label, f.factory)
		}
	}
}

// window returns data[from:from+n], clipped.
func window(data []map[string]any, from, n int) []map[string]any {
	from = min(max(from, 0), len(data))
	return data[from:min(from+n, len(data))]
}

// served returns the page size to serve: the fault's, or the asked one.
func served(f connectortest.Faults, asked string) int {
	if f.PageSize > 0 {
		return f.PageSize
	}
	n, err := strconv.Atoi(asked)
	if err != nil || n <= 0 {
		return pageSize
	}
	return n
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func pageFixture(stop *specs.StopRules) connectortest.PaginatorFactory {
	return pageFromFixture(1, stop)
}

// pageFromFixture serves pages numbered from first (0 or 1); the spec
// leaves first out when it is the default 1.
func pageFromFixture(first int, stop *specs.StopRules) connectortest.PaginatorFactory {
	paging := &connectors.PagePaging{Param: "page", SizeParam: "pageSize", Size: pageSize}
	if first != 1 {
		paging.First = &first
	}
	return func(t *testing.T) connectortest.PaginatorFixture {
		return connectortest.PaginatorFixture{
			Pagination: *specs.NewPagination("page", paging, stop),
			Size:       pageSize,
			List:       specs.Operation{Operation: "listItems", Records: "items"},
			Serve: func(w http.ResponseWriter, r *http.Request, data []map[string]any, f connectortest.Faults) {
				q := r.URL.Query()
				size := served(f, q.Get("pageSize"))
				from := (atoi(q.Get("page")) - first) * size
				items := window(data, from, size)
				writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(data), "hasMore": from+len(items) < len(data)})
			},
		}
	}
}

func offsetFixture(t *testing.T) connectortest.PaginatorFixture {
	return connectortest.PaginatorFixture{
		Pagination: *specs.NewPagination("offset", &connectors.OffsetPaging{Param: "skip", LimitParam: "take", Size: pageSize}, nil),
		Size:       pageSize,
		List:       specs.Operation{Operation: "listItems", Records: "data"},
		Serve: func(w http.ResponseWriter, r *http.Request, data []map[string]any, f connectortest.Faults) {
			q := r.URL.Query()
			writeJSON(w, http.StatusOK, map[string]any{"data": window(data, atoi(q.Get("skip")), served(f, q.Get("take")))})
		},
	}
}

// graphqlVariables decodes a GraphQL envelope's variables.
func graphqlVariables(r *http.Request) map[string]any {
	var env struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if dec.Decode(&env) != nil || env.Query == "" {
		return nil
	}
	return env.Variables
}

func number(v any) int {
	n, _ := strconv.Atoi(fmt.Sprint(v))
	return n
}

func graphqlOffsetFixture(t *testing.T) connectortest.PaginatorFixture {
	return connectortest.PaginatorFixture{
		Pagination: *specs.NewPagination("offset", &connectors.OffsetPaging{Param: "input.paging.skip", LimitParam: "input.paging.take", Size: pageSize}, &specs.StopRules{Total: "data.units.totalCount"}),
		Size:       pageSize,
		GraphQL:    true,
		List: specs.Operation{
			Operation: "listUnits",
			GraphQL:   "query($input: UnitsInput){ units(input: $input){ totalCount items { id name } } }",
			Variables: map[string]string{"input.filter.status": "active"},
			Records:   "data.units.items",
		},
		Serve: func(w http.ResponseWriter, r *http.Request, data []map[string]any, f connectortest.Faults) {
			vars := graphqlVariables(r)
			input, _ := vars["input"].(map[string]any)
			paging, _ := input["paging"].(map[string]any)
			filter, _ := input["filter"].(map[string]any)
			if paging == nil || filter["status"] != "active" {
				writeJSON(w, http.StatusOK, map[string]any{"errors": []any{map[string]any{"message": "bad variables"}}})
				return
			}
			items := window(data, number(paging["skip"]), served(f, fmt.Sprint(paging["take"])))
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"units": map[string]any{"totalCount": len(data), "items": items}}})
		},
	}
}

// encodeCursor and decodeCursor make opaque cursors of offsets.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) int {
	b, _ := base64.RawURLEncoding.DecodeString(c)
	n, _ := strconv.Atoi(string(b[min(len(b), len("offset:")):]))
	return n
}

// next returns the continuation after serving items from offset, or the
// request's own under the RepeatContinuation fault.
func next(f connectortest.Faults, requested string, from, served, total int) (string, bool) {
	if from+served >= total {
		return "", false
	}
	if f.RepeatContinuation && requested != "" {
		return requested, true
	}
	return encodeCursor(from + served), true
}

func cursorFixture(t *testing.T) connectortest.PaginatorFixture {
	return connectortest.PaginatorFixture{
		Pagination:   *specs.NewPagination("cursor", &connectors.CursorPaging{Param: "cursor", Next: "meta.next", SizeParam: "limit", Size: pageSize}, nil),
		Size:         pageSize,
		Continuation: true,
		List:         specs.Operation{Operation: "listItems", Records: "items"},
		Serve: func(w http.ResponseWriter, r *http.Request, data []map[string]any, f connectortest.Faults) {
			q := r.URL.Query()
			from := decodeCursor(q.Get("cursor"))
			items := window(data, from, served(f, q.Get("limit")))
			meta := map[string]any{}
			if c, ok := next(f, q.Get("cursor"), from, len(items), len(data)); ok {
				meta["next"] = c
			}
			writeJSON(w, http.StatusOK, map[string]any{"items": items, "meta": meta})
		},
	}
}

// pageURL is the link to the page at cursor c.
func pageURL(r *http.Request, absolute bool, c string, size int) string {
	u := url.URL{Path: "/items", RawQuery: url.Values{"after": {c}, "limit": {strconv.Itoa(size)}}.Encode()}
	if absolute {
		u.Scheme, u.Host = "http", r.Host
	}
	return u.String()
}

func nextLinkFixture(absolute bool) connectortest.PaginatorFactory {
	return func(t *testing.T) connectortest.PaginatorFixture {
		return connectortest.PaginatorFixture{
			Pagination:   *specs.NewPagination("nextLink", &connectors.NextLinkPaging{Path: "_links.next.href", SizeParam: "limit", Size: pageSize}, nil),
			Size:         pageSize,
			Continuation: true,
			List:         specs.Operation{Operation: "listItems", Records: "_embedded.items"},
			Serve: func(w http.ResponseWriter, r *http.Request, data []map[string]any, f connectortest.Faults) {
				q := r.URL.Query()
				from, size := decodeCursor(q.Get("after")), served(f, q.Get("limit"))
				items := window(data, from, size)
				links := map[string]any{"self": map[string]any{"href": r.URL.String()}}
				if c, ok := next(f, q.Get("after"), from, len(items), len(data)); ok {
					links["next"] = map[string]any{"href": pageURL(r, absolute, c, atoi(q.Get("limit")))}
				}
				writeJSON(w, http.StatusOK, map[string]any{"_embedded": map[string]any{"items": items}, "_links": links})
			},
		}
	}
}

func linkHeaderFixture(t *testing.T) connectortest.PaginatorFixture {
	return connectortest.PaginatorFixture{
		Pagination:   *specs.NewPagination("linkHeader", &connectors.LinkHeaderPaging{SizeParam: "limit", Size: pageSize}, nil),
		Size:         pageSize,
		Continuation: true,
		List:         specs.Operation{Operation: "listItems"},
		Serve: func(w http.ResponseWriter, r *http.Request, data []map[string]any, f connectortest.Faults) {
			q := r.URL.Query()
			from, size := decodeCursor(q.Get("after")), served(f, q.Get("limit"))
			items := window(data, from, size)
			links := fmt.Sprintf(`<%s>; rel="first", <%s>; rel="prev last"`, pageURL(r, true, "", size), pageURL(r, true, encodeCursor(len(data)), size))
			if c, ok := next(f, q.Get("after"), from, len(items), len(data)); ok {
				links += fmt.Sprintf(`, <%s>; title="a, b"; rel="next"`, pageURL(r, true, c, atoi(q.Get("limit"))))
			}
			w.Header().Set("Link", links)
			writeJSON(w, http.StatusOK, items)
		},
	}
}

func connectionFixture(t *testing.T) connectortest.PaginatorFixture {
	return connectortest.PaginatorFixture{
		Pagination:   *specs.NewPagination("connection", &connectors.ConnectionPaging{After: "after", First: "first", Size: pageSize, PageInfo: "data.units.pageInfo"}, nil),
		Size:         pageSize,
		GraphQL:      true,
		Continuation: true,
		List: specs.Operation{
			Operation: "listUnits",
			GraphQL:   "query($first: Int, $after: String){ units(first: $first, after: $after){ edges { node { id name } } pageInfo { endCursor hasNextPage } } }",
			Records:   "data.units.edges.node",
		},
		Serve: func(w http.ResponseWriter, r *http.Request, data []map[string]any, f connectortest.Faults) {
			vars := graphqlVariables(r)
			after, _ := vars["after"].(string)
			from := decodeCursor(after)
			items := window(data, from, served(f, fmt.Sprint(vars["first"])))
			edges := make([]any, len(items))
			for i, it := range items {
				edges[i] = map[string]any{"node": it, "cursor": encodeCursor(from + i + 1)}
			}
			c, more := next(f, after, from, len(items), len(data))
			info := map[string]any{"hasNextPage": more, "endCursor": c}
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"units": map[string]any{"edges": edges, "pageInfo": info}}})
		},
	}
}
