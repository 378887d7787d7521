package connectors

import (
	"fmt"

	"github.com/specsync/specsync/specs"
)

func pageMethod() PaginatorMethod {
	return paginatorMethod("page", "Counts pages with a page number parameter (and a page size parameter).", newPageNumber)
}

// PagePaging configures the page style.
type PagePaging struct {
	Param     string `json:"param" doc:"Parameter taking the page number." example:"page"`
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size." example:"pageSize"`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
	// First is the number of the first page. Nil means 1; APIs that count
	// from zero say 0.
	First *int `json:"first,omitempty" default:"1" doc:"Number of the first page (0 or 1)."`
}

var (
	_ specs.PluginChecker = (*PagePaging)(nil)
	_ specs.Summarizer    = (*PagePaging)(nil)
	_ PagingServer        = (*PagePaging)(nil)
)

// FirstPage returns the number of the first page: First, or 1 when unset.
func (p *PagePaging) FirstPage() int {
	if p.First == nil {
		return 1
	}
	return *p.First
}

// Check checks the parameters against the list operation.
func (p *PagePaging) Check(k *specs.PluginCheck) {
	k.ListParam("param", p.Param)
	k.ListParam("sizeParam", p.SizeParam)
}

// Summary describes the style for explain.
func (p *PagePaging) Summary() string { return "page " + p.Param }

// Served says how a server reads page numbers.
func (p *PagePaging) Served() ServedPaging {
	return ServedPaging{Position: PositionNumber, Param: p.Param, First: p.FirstPage(), SizeParam: p.SizeParam, Size: p.Size}
}

// pageNumber asks for page First, First+1, ... It has no end of its own:
// the stop rules end it.
type pageNumber struct {
	cfg  PagePaging
	size int
	page int
}

var _ Paginator = (*pageNumber)(nil)

func newPageNumber(p *PagePaging) (Paginator, error) {
	c := *p
	if c.Param == "" {
		return nil, fmt.Errorf("page.param is empty; name the page number parameter")
	}
	if c.FirstPage() < 0 {
		return nil, fmt.Errorf("page.first is %d; use 0 or 1 (or leave it out for 1)", c.FirstPage())
	}
	return &pageNumber{cfg: c, size: sizeOr(c.Size)}, nil
}

func (p *pageNumber) Size() int { return p.size }

func (p *pageNumber) First(req PageRequest) error {
	p.page = p.cfg.FirstPage()
	if err := req.Set(p.cfg.Param, p.page); err != nil {
		return err
	}
	return setSize(req, p.cfg.SizeParam, p.size)
}

func (p *pageNumber) Next(_ *PageResponse, req PageRequest) (bool, error) {
	p.page++
	return true, req.Set(p.cfg.Param, p.page)
}
