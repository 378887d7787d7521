package connectors

import (
	"fmt"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

func cursorMethod() PaginatorMethod {
	return PaginatorMethod{
		Name:       "cursor",
		Doc:        "Passes the opaque cursor of each response to the next request; an empty or missing cursor ends the listing.",
		Configured: func(p *specs.Pagination) bool { return p.Cursor != nil },
		New:        newCursor,
	}
}

// cursor sends no cursor on the first request and the response's cursor
// on each following one.
type cursor struct {
	cfg  specs.CursorPaging
	next path
	size int
}

var _ Paginator = (*cursor)(nil)

func newCursor(p *specs.Pagination) (Paginator, error) {
	c := p.Cursor
	if c.Param == "" || c.Next == "" {
		return nil, fmt.Errorf("cursor needs param (the request parameter) and next (the response path)")
	}
	return &cursor{cfg: *c, next: parsePath(c.Next), size: sizeOr(c.Size)}, nil
}

func (c *cursor) Size() int { return c.size }

func (c *cursor) First(req PageRequest) error { return setSize(req, c.cfg.SizeParam, c.size) }

func (c *cursor) Next(resp *PageResponse, req PageRequest) (bool, error) {
	v, ok := c.next.lookup(resp.Body)
	if !ok || v == nil {
		return false, nil
	}
	s, ok := scalarText(v)
	if !ok {
		return false, fmt.Errorf("the cursor at %q is %s, not a string", c.cfg.Next, jsonvalue.Kind(v))
	}
	if s == "" {
		return false, nil
	}
	return true, req.Set(c.cfg.Param, s)
}
