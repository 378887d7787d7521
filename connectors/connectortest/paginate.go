package connectortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
)

// Faults ask a paginator fixture's server to misbehave.
type Faults struct {
	// PageSize makes the server answer pages of this many records,
	// whatever size was asked for. Zero honours the asked size.
	PageSize int
	// RepeatContinuation makes the server answer every request that
	// carries a continuation (cursor, link) with that same continuation
	// as the next one, while serving the records it asks for: the client
	// is sent back to the page it just read.
	RepeatContinuation bool
}

// PaginatorFixture describes a paging style on the wire, for RunPaginator.
type PaginatorFixture struct {
	// Pagination is the style under test, with its stop rules.
	Pagination specs.Pagination
	// Size is the page size Pagination asks for. It must be at least 4.
	Size int
	// List is the list operation. For REST its operation is "listItems"
	// (GET /items, no declared parameters); for GraphQL the suite's
	// document declares POST /graphql ("graphql") and List carries the
	// query.
	List specs.Operation
	// GraphQL makes the suite's spec a GraphQL spec.
	GraphQL bool
	// Continuation says the style passes a cursor or link from one
	// response to the next request; the repeated-continuation case runs
	// only then.
	Continuation bool
	// Serve answers one list request with a page of data, paging in the
	// style under test and honouring faults.
	Serve func(w http.ResponseWriter, r *http.Request, data []map[string]any, f Faults)
	// Registry holds the style; nil means connectors.DefaultPaginators().
	Registry *connectors.PaginatorRegistry
}

// PaginatorFactory returns the fixture of a paging style. It is called once
// per case.
type PaginatorFactory func(t *testing.T) PaginatorFixture

const restDoc = `{
  "openapi": "3.0.3",
  "info": {"title": "paging conformance", "version": "1"},
  "servers": [{"url": %q}],
  "paths": {"/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "a page"}}}}}
}`

const graphqlDoc = `{
  "openapi": "3.0.3",
  "info": {"title": "paging conformance", "version": "1"},
  "servers": [{"url": %q}],
  "paths": {"/graphql": {"post": {"operationId": "graphql",
    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": {"200": {"description": "a result"}}}}}
}`

// RunPaginator runs the paging conformance cases against the style name.
func RunPaginator(t *testing.T, name string, factory PaginatorFactory) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, fx PaginatorFixture)
	}{
		{"reads every record once", pageComplete},
		{"survives a server capping the page size", pageCapped},
		{"survives a server ignoring the page size", pageOversized},
		{"stops a server stuck on one page", pageStuck},
		{"stops a repeated continuation", pageRepeatedContinuation},
		{"stops at maxPages", pageMaxPages},
		{"reports a failing page", pageFailing},
		{"fetches no page the caller did not ask for", pageLazy},
	}
	for _, c := range cases {
		t.Run(name+"/"+c.name, func(t *testing.T) {
			fx := factory(t)
			if fx.Size < 4 {
				t.Fatalf("fixture page size %d; use at least 4", fx.Size)
			}
			c.run(t, fx)
		})
	}
}

// pageServer serves a data set through a fixture, counting requests and
// injecting suite-level faults (a stuck server, a failing page).
type pageServer struct {
	srv    *httptest.Server
	fx     PaginatorFixture
	data   []map[string]any
	faults Faults
	stuck  bool
	failAt int64

	calls atomic.Int64
	mu    sync.Mutex
	first *http.Request
	body  []byte
}

func newPageServer(t *testing.T, fx PaginatorFixture, n int) *pageServer {
	s := &pageServer{fx: fx, data: Records(n)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *pageServer) serve(w http.ResponseWriter, r *http.Request) {
	n := s.calls.Add(1)
	if s.failAt > 0 && n >= s.failAt {
		http.Error(w, "unavailable", http.StatusInternalServerError)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if s.stuck {
		r, body = s.replayFirst(r, body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.fx.Serve(w, r, s.data, s.faults)
}

// replayFirst returns the first request seen, for a server that ignores
// every paging parameter.
func (s *pageServer) replayFirst(r *http.Request, body []byte) (*http.Request, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first == nil {
		s.first, s.body = r.Clone(context.Background()), body
	}
	return s.first.Clone(r.Context()), s.body
}

// client builds a client for the fixture against the server.
func (s *pageServer) client(t *testing.T, c clock.Clock) *connectors.Client {
	t.Helper()
	doc, sync := restDoc, &specs.Sync{System: "suite"}
	if s.fx.GraphQL {
		doc, sync.GraphQL = graphqlDoc, &specs.GraphQL{Operation: "graphql"}
	}
	paging, list := s.fx.Pagination, s.fx.List
	sync.Entities = map[string]*specs.Entity{"item": {Model: "item", Key: "id", List: &list, Pagination: &paging}}
	spec, err := WithSync([]byte(fmt.Sprintf(doc, s.srv.URL)), sync)
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		c = clock.NewManual(time.Now())
	}
	client, err := connectors.New(spec, connectors.Config{Clock: c, Paginators: s.fx.Registry, Logger: (&Logs{}).Logger()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return client
}

// listing is what a listing yielded.
type listing struct {
	ids      []string
	pages    int
	complete int // number of pages marked complete
	lastDone bool
	err      error
}

func readAll(c *connectors.Client, stopAfter int) listing {
	var l listing
	for page, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err != nil {
			l.err = err
			break
		}
		l.pages++
		for _, r := range page.Records {
			l.ids = append(l.ids, fmt.Sprint(r["id"]))
		}
		if page.Complete {
			l.complete++
		}
		l.lastDone = page.Complete
		if stopAfter > 0 && l.pages == stopAfter {
			break
		}
	}
	return l
}

func ids(data []map[string]any) []string {
	out := []string{}
	for _, r := range data {
		out = append(out, fmt.Sprint(r["id"]))
	}
	return out
}

// wantAll checks a listing returned every record once, in order, ending
// with exactly one complete page.
func wantAll(t *testing.T, s *pageServer, l listing) {
	t.Helper()
	if l.err != nil {
		t.Fatalf("listing %d records: %v", len(s.data), l.err)
	}
	if diff := cmp.Diff(ids(s.data), append([]string{}, l.ids...)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if l.complete != 1 || !l.lastDone {
		t.Errorf("%d complete pages, last complete %v; want exactly the last page complete", l.complete, l.lastDone)
	}
}

// wantPagingError checks a listing failed with a *PagingError of one of
// the kinds and never claimed to be complete.
func wantPagingError(t *testing.T, l listing, kinds ...connectors.PagingKind) {
	t.Helper()
	var pe *connectors.PagingError
	if !errors.As(l.err, &pe) {
		t.Fatalf("got error %v after %d pages, want a *PagingError", l.err, l.pages)
	}
	if !contains(kinds, pe.Kind) {
		t.Errorf("paging error kind %q, want one of %v (%v)", pe.Kind, kinds, pe)
	}
	if l.complete != 0 {
		t.Errorf("a failed listing yielded %d complete pages", l.complete)
	}
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func pageComplete(t *testing.T, fx PaginatorFixture) {
	for _, n := range []int{0, 1, fx.Size - 1, fx.Size, fx.Size + 1, 3*fx.Size + 2} {
		t.Run(fmt.Sprintf("%d records", n), func(t *testing.T) {
			s := newPageServer(t, fx, n)
			wantAll(t, s, readAll(s.client(t, nil), 0))
		})
	}
}

func pageCapped(t *testing.T, fx PaginatorFixture) {
	for _, n := range []int{fx.Size / 2, fx.Size, 3*fx.Size + 1} {
		t.Run(fmt.Sprintf("%d records", n), func(t *testing.T) {
			s := newPageServer(t, fx, n)
			s.faults.PageSize = fx.Size / 2
			wantAll(t, s, readAll(s.client(t, nil), 0))
		})
	}
}

func pageOversized(t *testing.T, fx PaginatorFixture) {
	s := newPageServer(t, fx, 5*fx.Size+3)
	s.faults.PageSize = 2 * fx.Size
	wantAll(t, s, readAll(s.client(t, nil), 0))
}

func pageStuck(t *testing.T, fx PaginatorFixture) {
	s := newPageServer(t, fx, 3*fx.Size+2)
	s.stuck = true
	wantPagingError(t, readAll(s.client(t, nil), 0), connectors.PagingRepeatedPage, connectors.PagingRepeatedRequest)
}

func pageRepeatedContinuation(t *testing.T, fx PaginatorFixture) {
	if !fx.Continuation {
		t.Skip("the style passes no cursor or link")
	}
	s := newPageServer(t, fx, 5*fx.Size)
	s.faults.RepeatContinuation = true
	wantPagingError(t, readAll(s.client(t, nil), 0), connectors.PagingRepeatedRequest)
}

func pageMaxPages(t *testing.T, fx PaginatorFixture) {
	fx.Pagination.MaxPages = 2
	s := newPageServer(t, fx, 3*fx.Size+2)
	l := readAll(s.client(t, nil), 0)
	wantPagingError(t, l, connectors.PagingMaxPages)
	if l.pages != 2 {
		t.Errorf("%d pages before the error, want 2", l.pages)
	}
}

func pageFailing(t *testing.T, fx PaginatorFixture) {
	s := newPageServer(t, fx, 3*fx.Size)
	s.failAt = 2
	clk := clock.NewManual(time.Now())
	l := readAll(s.client(t, clk), 0)
	var he *connectors.HTTPError
	if !errors.As(l.err, &he) || he.Status != http.StatusInternalServerError {
		t.Fatalf("got %v, want a 500 *HTTPError", l.err)
	}
	if l.pages != 1 || l.complete != 0 {
		t.Errorf("%d pages (%d complete) before the error, want 1 incomplete", l.pages, l.complete)
	}
	if d := connectors.Classify(l.err); d != connectors.RetryNow {
		t.Errorf("Classify = %v, want retry-now", d)
	}
	if len(clk.Slept()) == 0 {
		t.Error("the failing page was not retried")
	}
}

func pageLazy(t *testing.T, fx PaginatorFixture) {
	s := newPageServer(t, fx, 5*fx.Size)
	l := readAll(s.client(t, nil), 1)
	if l.err != nil || l.pages != 1 {
		t.Fatalf("got %d pages, error %v; want 1 page", l.pages, l.err)
	}
	if n := s.calls.Load(); n != 1 {
		t.Errorf("the server saw %d requests for one page", n)
	}
}
