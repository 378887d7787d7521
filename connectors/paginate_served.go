package connectors

// PagePosition is how a list request says where its page starts.
type PagePosition int

const (
	// PositionNumber is a page number parameter.
	PositionNumber PagePosition = iota + 1
	// PositionOffset is a parameter counting the records to skip.
	PositionOffset
	// PositionCursor is an opaque cursor the server handed out, in a
	// parameter or in a link the server made.
	PositionCursor
)

// PageNext is where a list answer points at the following page.
type PageNext int

const (
	// NextNone: the answer does not; the client counts on by itself.
	NextNone PageNext = iota
	// NextCursor is the next cursor at a body path.
	NextCursor
	// NextLink is the next page's URL at a body path.
	NextLink
	// NextLinkHeader is an RFC 8288 Link header with rel="next".
	NextLinkHeader
	// NextPageInfo is a GraphQL pageInfo {endCursor, hasNextPage} at a
	// body path.
	NextPageInfo
)

// ServedPaging says how a server that pages in a style reads list
// requests and points at the next page. The mock server emulates the
// styles whose config is a PagingServer.
type ServedPaging struct {
	// Position is how a request says where its page starts.
	Position PagePosition
	// Param carries the position; empty when it travels in a link the
	// server made.
	Param string
	// First is the number of the first page, for PositionNumber.
	First int
	// SizeParam carries the page size; empty when the server chooses.
	SizeParam string
	// Size is the page size when the request gives none; zero means 100.
	Size int
	// Next is where the answer points at the following page.
	Next PageNext
	// NextPath is the body path of the cursor, link or pageInfo.
	NextPath string
}

// PagingServer is a paging style's config that says how a server serves
// the style.
type PagingServer interface {
	Served() ServedPaging
}
