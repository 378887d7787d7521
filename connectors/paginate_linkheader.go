package connectors

import (
	"strings"

	"github.com/specsync/specsync/specs"
)

func linkHeaderMethod() PaginatorMethod {
	return PaginatorMethod{
		Name:       "linkHeader",
		Doc:        "Follows the RFC 8288 Link header's rel=\"next\" target; no such link ends the listing.",
		Configured: func(p *specs.Pagination) bool { return p.LinkHeader != nil },
		New:        newLinkHeader,
	}
}

// linkHeader follows Link: <...>; rel="next".
type linkHeader struct {
	cfg  specs.LinkHeaderPaging
	size int
}

var _ Paginator = (*linkHeader)(nil)

func newLinkHeader(p *specs.Pagination) (Paginator, error) {
	return &linkHeader{cfg: *p.LinkHeader, size: sizeOr(p.LinkHeader.Size)}, nil
}

func (l *linkHeader) Size() int { return l.size }

func (l *linkHeader) First(req PageRequest) error { return setSize(req, l.cfg.SizeParam, l.size) }

func (l *linkHeader) Next(resp *PageResponse, req PageRequest) (bool, error) {
	for _, v := range resp.Header.Values("Link") {
		if target, ok := relTarget(v, "next"); ok {
			return true, req.Follow(target)
		}
	}
	return false, nil
}

// relTarget finds, in one Link header value, the target of the link whose
// rel (a space-separated list, quoted or not) includes rel.
func relTarget(header, rel string) (string, bool) {
	for header != "" {
		open := strings.IndexByte(header, '<')
		end := strings.IndexByte(header, '>')
		if open < 0 || end < open {
			return "", false
		}
		target := header[open+1 : end]
		params, rest := splitLinkParams(header[end+1:])
		if hasRel(params, rel) {
			return strings.TrimSpace(target), true
		}
		header = rest
	}
	return "", false
}

// splitLinkParams returns the parameters of one link (up to the comma that
// ends it, outside quotes) and the rest of the header.
func splitLinkParams(s string) (params, rest string) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, ""
}

func hasRel(params, rel string) bool {
	for _, p := range strings.Split(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
			continue
		}
		for _, r := range strings.Fields(strings.Trim(strings.TrimSpace(value), `"`)) {
			if strings.EqualFold(r, rel) {
				return true
			}
		}
	}
	return false
}
