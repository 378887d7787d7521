package connectors

import (
	"fmt"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

func cursorMethod() PaginatorMethod {
	return paginatorMethod("cursor", "Passes the opaque cursor of each response to the next request; an empty or missing cursor ends the listing.", newCursor)
}

// CursorPaging configures the cursor style.
type CursorPaging struct {
	Param     string `json:"param" doc:"Parameter taking the cursor." example:"cursor"`
	Next      string `json:"next" doc:"Dotted path of the next cursor in the response; empty or missing ends the listing." example:"meta.nextCursor"`
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size."`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

var (
	_ specs.PluginChecker = (*CursorPaging)(nil)
	_ specs.Summarizer    = (*CursorPaging)(nil)
	_ PagingServer        = (*CursorPaging)(nil)
)

// Check checks the parameters and the cursor's path against the list
// operation.
func (c *CursorPaging) Check(k *specs.PluginCheck) {
	k.ListParam("param", c.Param)
	k.ListParam("sizeParam", c.SizeParam)
	k.ResponsePath("next", c.Next)
}

// Summary describes the style for explain.
func (c *CursorPaging) Summary() string { return "cursor " + c.Next }

// Served says how a server hands out and reads cursors.
func (c *CursorPaging) Served() ServedPaging {
	return ServedPaging{Position: PositionCursor, Param: c.Param, SizeParam: c.SizeParam, Size: c.Size, Next: NextCursor, NextPath: c.Next}
}

// cursor sends no cursor on the first request and the response's cursor
// on each following one.
type cursor struct {
	cfg  CursorPaging
	next jsonvalue.Path
	size int
}

var _ Paginator = (*cursor)(nil)

func newCursor(c *CursorPaging) (Paginator, error) {
	if c.Param == "" || c.Next == "" {
		return nil, fmt.Errorf("cursor needs param (the request parameter) and next (the response path)")
	}
	return &cursor{cfg: *c, next: jsonvalue.ParsePath(c.Next), size: sizeOr(c.Size)}, nil
}

func (c *cursor) Size() int { return c.size }

func (c *cursor) First(req PageRequest) error { return setSize(req, c.cfg.SizeParam, c.size) }

func (c *cursor) Next(resp *PageResponse, req PageRequest) (bool, error) {
	v, ok := c.next.Lookup(resp.Body)
	if !ok || v == nil {
		return false, nil
	}
	s, ok := jsonvalue.Text(v)
	if !ok {
		return false, fmt.Errorf("the cursor at %q is %s, not a string", c.cfg.Next, jsonvalue.Kind(v))
	}
	if s == "" {
		return false, nil
	}
	return true, req.Set(c.cfg.Param, s)
}
