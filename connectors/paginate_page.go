package connectors

import (
	"fmt"

	"github.com/specsync/specsync/specs"
)

func pageMethod() PaginatorMethod {
	return PaginatorMethod{
		Name:       "page",
		Doc:        "Counts pages with a page number parameter (and a page size parameter).",
		Configured: func(p *specs.Pagination) bool { return p.Page != nil },
		New:        newPageNumber,
	}
}

// pageNumber asks for page First, First+1, ... It has no end of its own:
// the stop rules end it.
type pageNumber struct {
	cfg  specs.PagePaging
	size int
	page int
}

var _ Paginator = (*pageNumber)(nil)

func newPageNumber(p *specs.Pagination) (Paginator, error) {
	c := *p.Page
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
