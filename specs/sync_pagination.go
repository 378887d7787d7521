package specs

// Pagination selects exactly one paging style by setting one field, plus
// the stop rules and guards shared by all styles. Parameters name a query
// parameter of the list operation or, for GraphQL, a dotted variable path
// ("input.paging.skip"). Response paths are dotted paths into the body.
type Pagination struct {
	Page       *PagePaging       `json:"page,omitempty" choice:"style" doc:"Page number and page size parameters."`
	Offset     *OffsetPaging     `json:"offset,omitempty" choice:"style" doc:"Offset (skip) and limit (take) parameters."`
	Cursor     *CursorPaging     `json:"cursor,omitempty" choice:"style" doc:"An opaque cursor taken from each response."`
	NextLink   *NextLinkPaging   `json:"nextLink,omitempty" choice:"style" doc:"A next-page URL in the body (_links.next.href)."`
	LinkHeader *LinkHeaderPaging `json:"linkHeader,omitempty" choice:"style" doc:"RFC 8288 Link header with rel=next."`
	Connection *ConnectionPaging `json:"connection,omitempty" choice:"style" doc:"GraphQL connections: first/after with pageInfo."`
	// Stop adds stop rules to the style's own.
	Stop *StopRules `json:"stop,omitempty" doc:"When a listing is complete."`
	// MaxPages stops a listing with an error after this many pages. Zero
	// means 100000.
	MaxPages int `json:"maxPages,omitempty" default:"100000" doc:"Guard: a listing longer than this fails."`
}

// PagePaging counts pages.
type PagePaging struct {
	Param     string `json:"param" doc:"Parameter taking the page number." example:"page"`
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size." example:"pageSize"`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
	// First is the number of the first page. Nil means 1; APIs that count
	// from zero say 0.
	First *int `json:"first,omitempty" default:"1" doc:"Number of the first page (0 or 1)."`
}

// FirstPage returns the number of the first page: First, or 1 when unset.
func (p PagePaging) FirstPage() int {
	if p.First == nil {
		return 1
	}
	return *p.First
}

// OffsetPaging skips records.
type OffsetPaging struct {
	Param      string `json:"param" doc:"Parameter taking the offset." example:"input.paging.skip"`
	LimitParam string `json:"limitParam,omitempty" doc:"Parameter taking the page size." example:"input.paging.take"`
	Size       int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

// CursorPaging follows an opaque cursor.
type CursorPaging struct {
	Param     string `json:"param" doc:"Parameter taking the cursor." example:"cursor"`
	Next      string `json:"next" doc:"Dotted path of the next cursor in the response; empty or missing ends the listing." example:"meta.nextCursor"`
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size."`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

// NextLinkPaging follows a URL in the body.
type NextLinkPaging struct {
	Path      string `json:"path" doc:"Dotted path of the next page's URL." example:"_links.next.href"`
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size on the first request."`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

// LinkHeaderPaging follows the RFC 8288 Link header.
type LinkHeaderPaging struct {
	SizeParam string `json:"sizeParam,omitempty" doc:"Parameter taking the page size on the first request." example:"per_page"`
	Size      int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

// ConnectionPaging walks a GraphQL connection.
type ConnectionPaging struct {
	After    string `json:"after" doc:"Variable path taking the end cursor." example:"after"`
	First    string `json:"first,omitempty" doc:"Variable path taking the page size." example:"first"`
	Size     int    `json:"size,omitempty" default:"100" doc:"Page size."`
	PageInfo string `json:"pageInfo" doc:"Dotted path of pageInfo {endCursor, hasNextPage} in the response." example:"data.units.pageInfo"`
}

// StopRules end a listing. The style's natural end (no next link, no
// cursor) always applies; an empty page always ends it.
type StopRules struct {
	// Short ends the listing after a page with fewer records than the size.
	Short bool `json:"short,omitempty" doc:"A page shorter than the page size is the last."`
	// Total is the path of the total record count.
	Total string `json:"total,omitempty" doc:"Dotted path of the total record count; the listing ends when it is reached." example:"data.tenants.total"`
	// HasMore is the path of a boolean that is false on the last page.
	HasMore string `json:"hasMore,omitempty" doc:"Dotted path of a has-more flag." example:"meta.hasMore"`
}
