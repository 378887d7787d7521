package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// linkCursorParam is the query parameter the next-page URLs of the
// nextLink and linkHeader styles carry their cursor in.
const linkCursorParam = "after"

// defaultPageSize is the page size when neither the spec nor the request
// gives one.
const defaultPageSize = 100

// recordsPlaceholder stands for the record array while the envelope around
// it is encoded; the records' stored JSON replaces it.
const recordsPlaceholder = "\x00records\x00"

// placeholderJSON is recordsPlaceholder as it appears in encoded JSON.
var placeholderJSON, _ = json.Marshal(recordsPlaceholder)

// params reads a request's parameters: query parameters for REST, dotted
// variable paths for GraphQL. ok is false for a missing or empty value.
type params func(name string) (value string, ok bool)

// pageRequest is a list request's position and size.
type pageRequest struct {
	from start
	size int
}

// paging is a list's pagination as the mock serves it: the style's
// served protocol and the shared stop rules.
type paging struct {
	served connectors.ServedPaging
	stop   *specs.StopRules
}

// newPaging decodes the style of p with the built-in paginators; nil p
// gives nil. A style the mock cannot serve is an error.
func newPaging(p *specs.Pagination) (*paging, error) {
	if p == nil {
		return nil, nil
	}
	cfg, err := connectors.DefaultPaginators().Config(p)
	if err != nil {
		return nil, fmt.Errorf("pagination: %w", err)
	}
	server, ok := cfg.(connectors.PagingServer)
	if !ok {
		return nil, fmt.Errorf("pagination: the mock cannot serve paging style %q", p.Type)
	}
	return &paging{served: server.Served(), stop: p.Stop}, nil
}

// positionParam is the parameter carrying the position: the style's, or
// the one of the links this server makes.
func (p *paging) positionParam() string {
	if p.served.Param == "" {
		return linkCursorParam
	}
	return p.served.Param
}

// pagingParams names the parameters a pagination style reads.
func pagingParams(p *paging) map[string]bool {
	out := map[string]bool{}
	if p == nil {
		return out
	}
	for _, n := range []string{p.positionParam(), p.served.SizeParam} {
		if n != "" {
			out[n] = true
		}
	}
	return out
}

// parsePage reads the position and size of a list request in the style of
// p. Without pagination the whole list is one page.
func parsePage(p *paging, get params) (pageRequest, error) {
	if p == nil {
		return pageRequest{size: math.MaxInt}, nil
	}
	s := p.served
	switch s.Position {
	case connectors.PositionNumber:
		return parsePageNumber(s, get)
	case connectors.PositionOffset:
		size, err := intParam(get, s.SizeParam, sizeOr(s.Size), 1)
		if err != nil {
			return pageRequest{}, err
		}
		off, err := intParam(get, s.Param, 0, 0)
		return pageRequest{from: start{offset: off}, size: size}, err
	}
	return parseCursor(get, p.positionParam(), s.SizeParam, s.Size)
}

func parsePageNumber(s connectors.ServedPaging, get params) (pageRequest, error) {
	first := s.First
	size, err := intParam(get, s.SizeParam, sizeOr(s.Size), 1)
	if err != nil {
		return pageRequest{}, err
	}
	n, err := intParam(get, s.Param, first, first)
	if err != nil {
		return pageRequest{}, err
	}
	offset := math.MaxInt // far beyond the last page: an empty page
	if n-first <= math.MaxInt/size {
		offset = (n - first) * size
	}
	return pageRequest{from: start{offset: offset}, size: size}, nil
}

func parseCursor(get params, param, sizeParam string, size int) (pageRequest, error) {
	n, err := intParam(get, sizeParam, sizeOr(size), 1)
	if err != nil {
		return pageRequest{}, err
	}
	req := pageRequest{size: n}
	token, ok := get(param)
	if !ok {
		return req, nil
	}
	seq, err := decodeCursor(token)
	if err != nil {
		return pageRequest{}, &inputError{in: "parameter", field: param, msg: "is not a cursor this server handed out; start the listing again without it"}
	}
	req.from = start{after: seq, useAfter: true}
	return req, nil
}

// intParam reads an integer parameter of at least low; missing means def.
func intParam(get params, name string, def, low int) (int, error) {
	if name == "" {
		return def, nil
	}
	text, ok := get(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < low {
		return 0, &inputError{in: "parameter", field: name, msg: fmt.Sprintf("must be an integer of at least %d", low)}
	}
	return n, nil
}

func sizeOr(n int) int {
	if n <= 0 {
		return defaultPageSize
	}
	return n
}

// encodeCursor makes the opaque cursor pointing after a record.
func encodeCursor(seq uint64) string { return "c" + strconv.FormatUint(seq, 36) }

func decodeCursor(token string) (uint64, error) {
	rest, ok := strings.CutPrefix(token, "c")
	if !ok {
		return 0, fmt.Errorf("no cursor prefix")
	}
	return strconv.ParseUint(rest, 36, 64)
}

// listing is one page of a list answer, ready to be shaped.
type listing struct {
	page page
	// more says records follow this page (true even when the page was cut).
	more bool
	// next is the cursor of the following page, "" on the last.
	next string
}

// newListing turns a page into a listing with its next cursor.
func newListing(p page) listing {
	l := listing{page: p, more: p.end < p.total}
	if l.more && p.lastSeq != 0 {
		l.next = encodeCursor(p.lastSeq)
	}
	return l
}

// truncate drops the tail of the page, keeping share (0..1) of it, while
// the cursor and totals still describe the full page: a client sees fewer
// records than it asked for and than the total announces.
func (l *listing) truncate(share float64) bool {
	n := len(l.page.data)
	if n == 0 {
		return false
	}
	l.page.data = l.page.data[:int(share*float64(n))]
	return true
}

// shape builds the list response: the envelope around the records holds
// the style's next cursor, link or pageInfo and the stop rules' total and
// has-more values. linkFor makes the next page's URL (nil without one).
func shape(p *paging, recordsPath string, l listing, linkFor func(token string) string, h http.Header) ([]byte, error) {
	env := map[string]any{}
	if p != nil {
		shapePaging(p, env, l, linkFor, h)
	}
	h.Set("X-Total-Count", strconv.Itoa(l.page.total))
	if recordsPath == "" {
		return joinRecords(nil, l.page, nil), nil
	}
	at, inEdge := splitEdges(recordsPath)
	setPath(env, at, recordsPlaceholder)
	return splice(env, l.page, inEdge)
}

// splitEdges splits a records path that goes through a GraphQL connection's
// edges ("data.units.edges.node") into the path of the edge array and the
// path of the record in each edge. Other paths have no edge part.
func splitEdges(path string) (at string, inEdge []string) {
	parts := strings.Split(path, ".")
	for i := len(parts) - 2; i >= 0; i-- {
		if parts[i] == "edges" {
			return strings.Join(parts[:i+1], "."), parts[i+1:]
		}
	}
	return path, nil
}

func shapePaging(p *paging, env map[string]any, l listing, linkFor func(string) string, h http.Header) {
	if p.stop != nil && p.stop.Total != "" {
		setPath(env, p.stop.Total, l.page.total)
	}
	if p.stop != nil && p.stop.HasMore != "" {
		setPath(env, p.stop.HasMore, l.more)
	}
	s := p.served
	switch {
	case s.Next == connectors.NextCursor && l.next != "":
		setPath(env, s.NextPath, l.next)
	case s.Next == connectors.NextLink && l.next != "" && linkFor != nil:
		setPath(env, s.NextPath, linkFor(l.next))
	case s.Next == connectors.NextLinkHeader && l.next != "" && linkFor != nil:
		h.Set("Link", "<"+linkFor(l.next)+`>; rel="next"`)
	case s.Next == connectors.NextPageInfo:
		info := map[string]any{"hasNextPage": l.more, "endCursor": nil}
		if l.page.lastSeq != 0 {
			info["endCursor"] = encodeCursor(l.page.lastSeq)
		}
		setPath(env, s.NextPath, info)
	}
}

// splice encodes env and puts the record array where the placeholder is.
func splice(env map[string]any, p page, inEdge []string) ([]byte, error) {
	head, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("encoding the list envelope: %w", err)
	}
	i := bytes.Index(head, placeholderJSON)
	if i < 0 {
		return nil, fmt.Errorf("encoding the list envelope: records placeholder lost")
	}
	out := joinRecords(head[:i:i], p, inEdge)
	return append(out, head[i+len(placeholderJSON):]...), nil
}

// joinRecords appends a JSON array of the page's records to dst. With an
// edge path, each record is wrapped in an edge with its cursor:
// {"cursor":"c1","node":{...}}.
func joinRecords(dst []byte, p page, inEdge []string) []byte {
	n := len(dst) + 2
	for _, r := range p.data {
		n += len(r) + 1 + len(inEdge)*16 + 24
	}
	out := make([]byte, 0, n)
	out = append(out, dst...)
	out = append(out, '[')
	var keys []byte
	if inEdge != nil {
		keys = edgeKeys(inEdge)
	}
	for i, r := range p.data {
		if i > 0 {
			out = append(out, ',')
		}
		if inEdge == nil {
			out = append(out, r...)
			continue
		}
		out = appendEdge(out, encodeCursor(p.seqs[i]), keys, len(inEdge), r)
	}
	return append(out, ']')
}

// edgeKeys encodes the keys that lead from an edge to its record, the
// same for every edge of a page: `,"a":{"b":` for the path a.b.
func edgeKeys(inEdge []string) []byte {
	var out []byte
	for i, seg := range inEdge {
		if i == 0 {
			out = append(out, ',')
		} else {
			out = append(out, '{')
		}
		name, _ := json.Marshal(seg) // a string always encodes
		out = append(out, name...)
		out = append(out, ':')
	}
	return out
}

// appendEdge appends {"cursor":c,"a":{"b":rec}} for the path a.b, whose
// depth levels and keys, from edgeKeys, are given.
func appendEdge(out []byte, cursor string, keys []byte, levels int, rec []byte) []byte {
	out = append(out, `{"cursor":`...)
	out = strconv.AppendQuote(out, cursor)
	out = append(out, keys...)
	out = append(out, rec...)
	for range levels {
		out = append(out, '}')
	}
	return out
}

// parseTime reads a modification time in an incremental format. RFC 3339
// is always accepted.
func parseTime(text string, format specs.TimeFormat) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return t, nil
	}
	t, err := format.Parse(text)
	switch {
	case err == nil:
		return t, nil
	case format == "" || format == specs.TimeRFC3339:
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", text)
	case format == specs.TimeUnix:
		return time.Time{}, fmt.Errorf("%q is not a unix time in seconds", text)
	}
	return time.Time{}, fmt.Errorf("%q does not match the layout %q", text, string(format))
}
