package scaffold

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// Parameter names of the paging styles, in flat form (words joined,
// lower case), most usual first.
var (
	cursorParams = []string{"cursor", "after", "startingafter", "pagetoken", "nexttoken", "continuationtoken", "continuation", "nextcursor", "starttoken", "marker"}
	offsetParams = []string{"offset", "skip", "start", "startindex", "from"}
	pageParams   = []string{"page", "pagenumber", "pageno", "pagenum", "pageindex", "p"}
	sizeParams   = []string{"limit", "pagesize", "perpage", "size", "take", "count", "maxresults", "pagelimit", "top", "rows", "maxitems", "maxpagesize"}
	cursorFields = []string{"nextcursor", "cursor", "nextpagetoken", "nexttoken", "continuationtoken", "endcursor", "nextmarker", "after", "next", "nextpage", "lastid"}
	linkFields   = []string{"next", "nextlink", "nextpage", "nexturl", "odatanextlink", "nextpageurl", "href"}
	totalFields  = []string{"total", "totalcount", "totalitems", "totalelements", "totalrecords", "count", "totalresults", "totalsize"}
	moreFields   = []string{"hasmore", "more", "hasnext", "hasnextpage", "moreitems"}
)

// defaultSize is the page size asked for, unless the size parameter
// allows less.
const defaultSize = 100

// paging is the paging style detected for a list operation, with a note
// saying how it was found.
type paging struct {
	pagination *specs.Pagination
	note       string
}

// detectPaging finds the paging style of a list operation from its query
// parameters, its response's members and headers. records is the path of
// the record array in the response. A nil pagination means the list
// reads one page.
func detectPaging(list *openapi3.Operation, records string) paging {
	params := queryParams(list)
	body := responseSchema(list)
	size, sizeParam := pageSize(params)
	cursor := params.find(cursorParams)
	if page := params.find(pageParams); cursor == "" && page != "" && isString(paramSchema(params, page)) {
		cursor = page // a page "number" that is a string is a token
	}
	switch next := responsePath(body, cursorFields, records, isString); {
	case cursor != "" && next != "":
		return paging{specs.NewPagination("cursor", &connectors.CursorPaging{Param: cursor, Next: next, SizeParam: sizeParam, Size: size}, moreRule(body, records)),
			"cursor paging: parameter " + cursor + ", next cursor at " + next}
	case hasLinkHeader(list):
		return paging{specs.NewPagination("linkHeader", &connectors.LinkHeaderPaging{SizeParam: sizeParam, Size: size}, nil),
			"Link header paging: the list answers with a Link header"}
	}
	if path := responsePath(body, linkFields, records, isLink); path != "" {
		return paging{specs.NewPagination("nextLink", &connectors.NextLinkPaging{Path: path, SizeParam: sizeParam, Size: size}, nil),
			"next-link paging: the next page's URL at " + path}
	}
	return countedPaging(params, body, records, size, sizeParam)
}

// countedPaging detects the offset and page styles.
func countedPaging(params params, body *openapi3.Schema, records string, size int, sizeParam string) paging {
	if offset := params.find(offsetParams); offset != "" {
		return paging{specs.NewPagination("offset", &connectors.OffsetPaging{Param: offset, LimitParam: sizeParam, Size: size}, stopRules(body, records)),
			"offset paging: parameter " + offset + sizeNote(sizeParam)}
	}
	if page := params.find(pageParams); page != "" && !isString(paramSchema(params, page)) {
		first := firstPage(params.byFlat[flat(page)])
		return paging{specs.NewPagination("page", &connectors.PagePaging{Param: page, SizeParam: sizeParam, Size: size, First: &first}, stopRules(body, records)),
			"page paging: parameter " + page + sizeNote(sizeParam)}
	}
	return paging{}
}

// moreRule is the has-more stop rule of a cursor listing whose response
// has a has-more flag (a last id is then no end by itself), else nil.
func moreRule(body *openapi3.Schema, records string) *specs.StopRules {
	if more := responsePath(body, moreFields, records, isBoolean); more != "" {
		return &specs.StopRules{HasMore: more}
	}
	return nil
}

// paramSchema returns the schema of the query parameter name.
func paramSchema(p params, name string) *openapi3.Schema {
	return value(p.byFlat[flat(name)].Schema)
}

// isLink reports whether s is a string that may hold a URL (no number
// format, no enum).
func isLink(s *openapi3.Schema) bool {
	return isString(s) && len(s.Enum) == 0 && s.Format != "date-time" && s.Format != "date"
}

// sizeNote says which parameter takes the page size.
func sizeNote(sizeParam string) string {
	if sizeParam == "" {
		return ", no page size parameter"
	}
	return ", page size " + sizeParam
}

// stopRules are the stop rules of a counted style: the total count or a
// has-more flag when the response has one, else a short page ends it.
func stopRules(body *openapi3.Schema, records string) *specs.StopRules {
	if more := responsePath(body, moreFields, records, isBoolean); more != "" {
		return &specs.StopRules{HasMore: more}
	}
	if total := responsePath(body, totalFields, records, isNumber); total != "" {
		return &specs.StopRules{Total: total, Short: true}
	}
	return &specs.StopRules{Short: true}
}

// params are the query parameters of an operation by flat name.
type params struct {
	byFlat map[string]*openapi3.Parameter
}

// queryParams collects the query parameters of o.
func queryParams(o *openapi3.Operation) params {
	p := params{byFlat: map[string]*openapi3.Parameter{}}
	for _, ref := range o.Parameters {
		if ref != nil && ref.Value != nil && ref.Value.In == openapi3.ParameterInQuery {
			p.byFlat[flat(ref.Value.Name)] = ref.Value
		}
	}
	return p
}

// find returns the name of the first parameter whose flat name is in
// names, or "".
func (p params) find(names []string) string {
	for _, n := range names {
		if v := p.byFlat[n]; v != nil {
			return v.Name
		}
	}
	return ""
}

// pageSize returns the page size to ask for and the parameter taking it:
// defaultSize, or less when the parameter's maximum is lower.
func pageSize(p params) (int, string) {
	name := p.find(sizeParams)
	if name == "" {
		return 0, ""
	}
	size := defaultSize
	if s := value(p.byFlat[flat(name)].Schema); s != nil && s.Max != nil && *s.Max >= 1 && int(*s.Max) < size {
		size = int(*s.Max)
	}
	return size, name
}

// firstPage is the number of the first page: 0 when the page parameter's
// minimum or default is 0, else 1.
func firstPage(p *openapi3.Parameter) int {
	s := value(p.Schema)
	if s == nil {
		return 1
	}
	if s.Min != nil && *s.Min == 0 {
		return 0
	}
	if d, ok := s.Default.(float64); ok && d == 0 {
		return 0
	}
	return 1
}

// hasLinkHeader reports whether o's success response declares a Link
// header.
func hasLinkHeader(o *openapi3.Operation) bool {
	r := successResponse(o)
	if r == nil {
		return false
	}
	for name := range r.Headers {
		if strings.EqualFold(name, "Link") {
			return true
		}
	}
	return false
}

// responsePath finds a member of the response (outside the record array)
// whose flat name is one of names and whose schema passes ok, one or two
// levels deep ("meta.next_cursor", "_links.next.href" three levels), and
// returns its dotted path.
func responsePath(body *openapi3.Schema, names []string, records string, ok func(*openapi3.Schema) bool) string {
	var found string
	walkMembers(body, "", 0, func(path string, name string, s *openapi3.Schema) bool {
		if path == records || !slices.Contains(names, flat(name)) || !ok(s) || flat(name) == "href" && !strings.Contains(path, "next") {
			return false
		}
		found = path
		return true
	})
	return found
}

// walkMembers calls visit for every member of s down to three levels, in
// name order, until visit returns true.
func walkMembers(s *openapi3.Schema, prefix string, depth int, visit func(path, name string, s *openapi3.Schema) bool) bool {
	if depth > 2 {
		return false
	}
	props := properties(s, 0)
	for _, name := range slices.Sorted(maps.Keys(props)) {
		path := joinPath(prefix, name)
		if visit(path, name, props[name]) || walkMembers(props[name], path, depth+1, visit) {
			return true
		}
	}
	return false
}

// joinPath joins dotted path segments.
func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func isString(s *openapi3.Schema) bool  { return s != nil && s.Type.Includes("string") }
func isBoolean(s *openapi3.Schema) bool { return s.Type.Includes("boolean") }
func isNumber(s *openapi3.Schema) bool {
	return s.Type.Includes("integer") || s.Type.Includes("number")
}
