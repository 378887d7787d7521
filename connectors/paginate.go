package connectors

import (
	"net/http"
	"net/url"

	"github.com/specsync/specsync/specs"
)

// Paginator walks one listing page by page in the style of a spec's
// pagination. A client calls its method's New once per listing, so a
// Paginator keeps the listing's state and need not be safe for concurrent
// use. Stop rules (empty page, short page, total, has-more) and guards
// (repeated requests and pages, maxPages) are the client's; a paginator
// only says where the next page is and when its style has reached the end.
type Paginator interface {
	// Size is the page size the paginator asks for; the short-page rule
	// compares pages with it.
	Size() int
	// First sets the parameters of the first request.
	First(req PageRequest) error
	// Next reads a response and sets up the request of the following page.
	// more is false when the style's own end is reached (no cursor, no next
	// link, hasNextPage false).
	Next(resp *PageResponse, req PageRequest) (more bool, err error)
}

// PageRequest is the request of the next page, as a paginator shapes it.
type PageRequest interface {
	// Set sets a paging parameter: a parameter of the list operation (a
	// query parameter unless the spec declares it elsewhere) or, for
	// GraphQL, a dotted variable path ("input.paging.skip"). Numbers stay
	// numbers in GraphQL variables.
	Set(param string, value any) error
	// Follow sends the next request to link (absolute, or relative to the
	// last request), as it is. Links outside the spec's servers are
	// refused with ErrOutboundRefused.
	Follow(link string) error
}

// PageResponse is a response of the list operation, as a paginator reads
// it.
type PageResponse struct {
	// URL is the request's URL, for resolving relative links.
	URL *url.URL
	// Header is the response header.
	Header http.Header
	// Body is the decoded JSON body; numbers are json.Number.
	Body any
	// Records is the number of records on the page.
	Records int
}

// PaginatorMethod is a registered paging style: its description for specs
// and its runtime. A style lives in one file, paginate_<name>.go, with its
// config struct (whose struct tags document its keys), the config's checks
// and its Paginator.
type PaginatorMethod struct {
	// Name is the value of pagination.type that chooses the style
	// ("cursor").
	Name string
	// Doc says in one sentence how the style pages.
	Doc string
	// Config returns a pointer to a new zero config struct (see
	// specs.Plugin).
	Config func() any
	// New returns a Paginator for one listing from the style's config (a
	// value Config returned, decoded). The client calls it once when it is
	// built, to report configuration errors early.
	New func(config any) (Paginator, error)
}

// paginatorMethod makes the PaginatorMethod of config type C.
func paginatorMethod[C any](name, doc string, build func(*C) (Paginator, error)) PaginatorMethod {
	return PaginatorMethod{Name: name, Doc: doc, Config: func() any { return new(C) },
		New: func(config any) (Paginator, error) { return build(config.(*C)) }}
}

// Describe returns the style's description for specs.
func (m PaginatorMethod) Describe() specs.Plugin {
	return specs.Plugin{Kind: specs.PluginPagination, Name: m.Name, Doc: m.Doc, Config: m.Config}
}

// PaginatorRegistry holds paging styles by name. Register every style
// before building clients; after that it is safe for concurrent use.
type PaginatorRegistry struct {
	reg registry[PaginatorMethod]
}

// DefaultPaginators returns a new registry holding the built-in styles:
// page, offset, cursor, nextLink, linkHeader and connection.
func DefaultPaginators() *PaginatorRegistry {
	r := &PaginatorRegistry{}
	for _, m := range []PaginatorMethod{pageMethod(), offsetMethod(), cursorMethod(), nextLinkMethod(), linkHeaderMethod(), connectionMethod()} {
		r.reg.put(m.Name, m)
	}
	return r
}

// Register adds a style; a style without a name, Config or New, or whose
// name is taken, is refused.
func (r *PaginatorRegistry) Register(m PaginatorMethod) error {
	if m.Config == nil || m.New == nil {
		return errIncomplete("paginator", m.Name)
	}
	return r.reg.register("paginator", m.Name, m)
}

// Lookup returns the style registered under name.
func (r *PaginatorRegistry) Lookup(name string) (PaginatorMethod, bool) { return r.reg.lookup(name) }

// Names lists the registered styles, sorted.
func (r *PaginatorRegistry) Names() []string { return r.reg.names() }

// Config returns the decoded config of the style p chooses.
func (r *PaginatorRegistry) Config(p *specs.Pagination) (any, error) {
	_, cfg, err := r.choose(p)
	return cfg, err
}

// choose returns the style p chooses and its decoded config.
func (r *PaginatorRegistry) choose(p *specs.Pagination) (PaginatorMethod, any, error) {
	m, ok := r.reg.lookup(p.Type)
	if !ok {
		return PaginatorMethod{}, nil, r.reg.unknown("paging style", p.Type)
	}
	cfg, err := settings(m.Describe(), p.Settings, p.Config)
	return m, cfg, err
}

// defaultPageSize is the page size of every style when the spec sets none.
const defaultPageSize = 100

func sizeOr(n int) int {
	if n > 0 {
		return n
	}
	return defaultPageSize
}

// setSize sets the page size parameter when the style has one.
func setSize(req PageRequest, param string, size int) error {
	if param == "" {
		return nil
	}
	return req.Set(param, size)
}
