package connectors

import (
	"fmt"

	"github.com/specsync/specsync/specs"
)

func offsetMethod() PaginatorMethod {
	return PaginatorMethod{
		Name:       "offset",
		Doc:        "Skips the records already read with an offset parameter and takes a page size (GraphQL paging{skip,take} through variable paths).",
		Configured: func(p *specs.Pagination) bool { return p.Offset != nil },
		New:        newOffset,
	}
}

// offset advances by the records actually received, so a server that caps
// the page size below the one asked for loses no records. It has no end
// of its own: the stop rules end it.
type offset struct {
	cfg  specs.OffsetPaging
	size int
	next int
}

var _ Paginator = (*offset)(nil)

func newOffset(p *specs.Pagination) (Paginator, error) {
	if p.Offset.Param == "" {
		return nil, fmt.Errorf("offset.param is empty; name the offset (skip) parameter")
	}
	return &offset{cfg: *p.Offset, size: sizeOr(p.Offset.Size)}, nil
}

func (o *offset) Size() int { return o.size }

func (o *offset) First(req PageRequest) error {
	o.next = 0
	if err := req.Set(o.cfg.Param, 0); err != nil {
		return err
	}
	return setSize(req, o.cfg.LimitParam, o.size)
}

func (o *offset) Next(resp *PageResponse, req PageRequest) (bool, error) {
	o.next += resp.Records
	return true, req.Set(o.cfg.Param, o.next)
}
