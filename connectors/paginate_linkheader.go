package connectors

import (
	"strings"

	"github.com/specsync/specsync/specs"
)

func linkHeaderMethod() PaginatorMethod {
	return paginatorMethod("linkHeader", "Follows the RFC 8288 Link header's rel=\"next\" target; no such link ends the listing.", newLinkHeader)
}

// LinkHeaderPaging configures the linkHeader style.
type LinkHeaderPaging struct {
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size on the first request." example:"per_page"`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

var (
	_ specs.PluginChecker = (*LinkHeaderPaging)(nil)
	_ specs.Summarizer    = (*LinkHeaderPaging)(nil)
	_ PagingServer        = (*LinkHeaderPaging)(nil)
)

// Check checks the size parameter against the list operation.
func (l *LinkHeaderPaging) Check(k *specs.PluginCheck) { k.ListParam("sizeParam", l.SizeParam) }

// Summary describes the style for explain.
func (l *LinkHeaderPaging) Summary() string { return "link header" }

// Served says how a server links the next page in the Link header.
func (l *LinkHeaderPaging) Served() ServedPaging {
	return ServedPaging{Position: PositionCursor, SizeParam: l.SizeParam, Size: l.Size, Next: NextLinkHeader}
}

// linkHeader follows Link: <...>; rel="next".
type linkHeader struct {
	cfg  LinkHeaderPaging
	size int
}

var _ Paginator = (*linkHeader)(nil)

func newLinkHeader(p *LinkHeaderPaging) (Paginator, error) {
	return &linkHeader{cfg: *p, size: sizeOr(p.Size)}, nil
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
