package connectors

import (
	"fmt"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

func nextLinkMethod() PaginatorMethod {
	return paginatorMethod("nextLink", "Follows the next page's URL found in the body (_links.next.href); a missing link ends the listing.", newNextLink)
}

// NextLinkPaging configures the nextLink style.
type NextLinkPaging struct {
	Path      string `json:"path" doc:"Dotted path of the next page's URL." example:"_links.next.href"`
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size on the first request."`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

var (
	_ specs.PluginChecker = (*NextLinkPaging)(nil)
	_ specs.Summarizer    = (*NextLinkPaging)(nil)
	_ PagingServer        = (*NextLinkPaging)(nil)
)

// Check checks the size parameter and the link's path against the list
// operation.
func (n *NextLinkPaging) Check(k *specs.PluginCheck) {
	k.ListParam("sizeParam", n.SizeParam)
	k.ResponsePath("path", n.Path)
}

// Summary describes the style for explain.
func (n *NextLinkPaging) Summary() string { return "next link " + n.Path }

// Served says how a server links the next page in the body.
func (n *NextLinkPaging) Served() ServedPaging {
	return ServedPaging{Position: PositionCursor, SizeParam: n.SizeParam, Size: n.Size, Next: NextLink, NextPath: n.Path}
}

// nextLink follows a URL from the body. Links leaving the spec's servers
// are refused by PageRequest.Follow.
type nextLink struct {
	cfg  NextLinkPaging
	link jsonvalue.Path
	size int
}

var _ Paginator = (*nextLink)(nil)

func newNextLink(p *NextLinkPaging) (Paginator, error) {
	if p.Path == "" {
		return nil, fmt.Errorf("nextLink.path is empty; give the response path of the next URL")
	}
	return &nextLink{cfg: *p, link: jsonvalue.ParsePath(p.Path), size: sizeOr(p.Size)}, nil
}

func (n *nextLink) Size() int { return n.size }

func (n *nextLink) First(req PageRequest) error { return setSize(req, n.cfg.SizeParam, n.size) }

func (n *nextLink) Next(resp *PageResponse, req PageRequest) (bool, error) {
	v, ok := n.link.Lookup(resp.Body)
	if !ok || v == nil {
		return false, nil
	}
	link, ok := v.(string)
	if !ok {
		return false, fmt.Errorf("the next link at %q is %s, not a string", n.cfg.Path, jsonvalue.Kind(v))
	}
	if link == "" {
		return false, nil
	}
	return true, req.Follow(link)
}
