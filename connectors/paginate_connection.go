package connectors

import (
	"fmt"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

func connectionMethod() PaginatorMethod {
	return paginatorMethod("connection", "Walks a GraphQL connection: first/after variables, pageInfo {endCursor, hasNextPage} in the response.", newConnection)
}

// ConnectionPaging configures the connection style.
type ConnectionPaging struct {
	After    string `json:"after" doc:"Variable path taking the end cursor." example:"after"`
	First    string `json:"first,omitempty" doc:"Variable path taking the page size." example:"first"`
	Size     int    `json:"size,omitempty" default:"100" doc:"Page size."`
	PageInfo string `json:"pageInfo" doc:"Dotted path of pageInfo {endCursor, hasNextPage} in the response." example:"data.units.pageInfo"`
}

var (
	_ specs.PluginChecker = (*ConnectionPaging)(nil)
	_ specs.Summarizer    = (*ConnectionPaging)(nil)
	_ PagingServer        = (*ConnectionPaging)(nil)
)

// Check checks the variables and the pageInfo path against the list
// operation.
func (c *ConnectionPaging) Check(k *specs.PluginCheck) {
	k.ListParam("after", c.After)
	k.ListParam("first", c.First)
	k.ResponsePath("pageInfo", c.PageInfo)
}

// Summary describes the style for explain.
func (c *ConnectionPaging) Summary() string { return "connection " + c.PageInfo }

// Served says how a server answers with pageInfo and reads the end cursor.
func (c *ConnectionPaging) Served() ServedPaging {
	return ServedPaging{Position: PositionCursor, Param: c.After, SizeParam: c.First, Size: c.Size, Next: NextPageInfo, NextPath: c.PageInfo}
}

// connection walks a GraphQL (Relay) connection.
type connection struct {
	cfg      ConnectionPaging
	pageInfo jsonvalue.Path
	size     int
}

var _ Paginator = (*connection)(nil)

func newConnection(c *ConnectionPaging) (Paginator, error) {
	if c.After == "" || c.PageInfo == "" {
		return nil, fmt.Errorf("connection needs after (the cursor variable) and pageInfo (the response path)")
	}
	return &connection{cfg: *c, pageInfo: jsonvalue.ParsePath(c.PageInfo), size: sizeOr(c.Size)}, nil
}

func (c *connection) Size() int { return c.size }

func (c *connection) First(req PageRequest) error { return setSize(req, c.cfg.First, c.size) }

func (c *connection) Next(resp *PageResponse, req PageRequest) (bool, error) {
	v, ok := c.pageInfo.Lookup(resp.Body)
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
