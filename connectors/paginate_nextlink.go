package connectors

import (
	"fmt"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

func nextLinkMethod() PaginatorMethod {
	return PaginatorMethod{
		Name:       "nextLink",
		Doc:        "Follows the next page's URL found in the body (_links.next.href); a missing link ends the listing.",
		Configured: func(p *specs.Pagination) bool { return p.NextLink != nil },
		New:        newNextLink,
	}
}

// nextLink follows a URL from the body. Links leaving the spec's servers
// are refused by PageRequest.Follow.
type nextLink struct {
	cfg  specs.NextLinkPaging
	link path
	size int
}

var _ Paginator = (*nextLink)(nil)

func newNextLink(p *specs.Pagination) (Paginator, error) {
	if p.NextLink.Path == "" {
		return nil, fmt.Errorf("nextLink.path is empty; give the response path of the next URL")
	}
	return &nextLink{cfg: *p.NextLink, link: parsePath(p.NextLink.Path), size: sizeOr(p.NextLink.Size)}, nil
}

func (n *nextLink) Size() int { return n.size }

func (n *nextLink) First(req PageRequest) error { return setSize(req, n.cfg.SizeParam, n.size) }

func (n *nextLink) Next(resp *PageResponse, req PageRequest) (bool, error) {
	v, ok := n.link.lookup(resp.Body)
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
