package connectors

import (
	"fmt"

	"github.com/specsync/specsync/specs"
)

func connectionMethod() PaginatorMethod {
	return PaginatorMethod{
		Name:       "connection",
		Doc:        "Walks a GraphQL connection: first/after variables, pageInfo {endCursor, hasNextPage} in the response.",
		Configured: func(p *specs.Pagination) bool { return p.Connection != nil },
		New:        newConnection,
	}
}

// connection walks a GraphQL (Relay) connection.
type connection struct {
	cfg      specs.ConnectionPaging
	pageInfo path
	size     int
}

var _ Paginator = (*connection)(nil)

func newConnection(p *specs.Pagination) (Paginator, error) {
	c := p.Connection
	if c.After == "" || c.PageInfo == "" {
		return nil, fmt.Errorf("connection needs after (the cursor variable) and pageInfo (the response path)")
	}
	return &connection{cfg: *c, pageInfo: parsePath(c.PageInfo), size: sizeOr(c.Size)}, nil
}

func (c *connection) Size() int { return c.size }

func (c *connection) First(req PageRequest) error { return setSize(req, c.cfg.First, c.size) }

func (c *connection) Next(resp *PageResponse, req PageRequest) (bool, error) {
	v, ok := c.pageInfo.lookup(resp.Body)
	info, isObj := v.(map[string]any)
	if !ok || !isObj {
		return false, fmt.Errorf("the response has no pageInfo object at %q", c.cfg.PageInfo)
	}
	more, ok := info["hasNextPage"].(bool)
	if !ok {
		return false, fmt.Errorf("pageInfo at %q has no boolean hasNextPage", c.cfg.PageInfo)
	}
	if !more {
		return false, nil
	}
	end, _ := info["endCursor"].(string)
	if end == "" {
		return false, fmt.Errorf("pageInfo at %q says hasNextPage but gives no endCursor", c.cfg.PageInfo)
	}
	return true, req.Set(c.cfg.After, end)
}
