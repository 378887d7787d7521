package connectors

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/transforms"
)

// ListOptions tune one listing. The zero value reads everything.
type ListOptions struct {
	// Since, when set and the entity has an incremental filter, asks only
	// for records changed since then (minus the filter's lookback). Zero
	// means a full read. An entity without an incremental filter is always
	// read in full.
	Since time.Time
	// Vars are template variables for the list operation's parameters.
	Vars transforms.Vars
}

// Page is one page of a listing.
type Page struct {
	// Number counts the system's pages from 1. A page holding more
	// records than the page size asked for, and than a thousand, is handed
	// over in parts of the larger of the two, which share its number:
	// memory follows the records in flight, not the size of the system's
	// pages.
	Number int
	// Records are the page's API objects, numbers as json.Number. The
	// slice belongs to the caller.
	Records []map[string]any
	// Flaws are, by index in Records, the strings of records that were
	// not clean text (bytes that are not UTF-8, a lone surrogate escape, a
	// NUL character), by JSON pointer into the record. The records hold
	// them repaired; the caller decides, by Config.InvalidText, whether a
	// record fails or is counted as repaired. Nil when every record was
	// clean.
	Flaws map[int][]jsonvalue.Flaw
	// Complete is true on the last page of a listing that read everything
	// the system has (for the filter asked). Only then may the engine
	// decide deletes. A listing that fails ends with an error instead and
	// never yields a complete page.
	Complete bool
	// NextCursor, on the complete page of an entity with an incremental
	// filter, is the latest modification time seen (the incremental field's
	// largest value); the next run passes it as ListOptions.Since. Zero when
	// no record carried one.
	NextCursor time.Time
}

// List reads an entity page by page. Pages are fetched as the loop asks
// for them, so memory does not grow with the data set. The sequence ends
// after the complete page, or with one error (a *PagingError for guards and
// stop-rule violations); a loop that breaks early leaves the listing
// incomplete.
//
//	for page, err := range client.List(ctx, "tenant", connectors.ListOptions{}) {
//		if err != nil {
//			return err
//		}
//		for _, rec := range page.Records { ... }
//	}
func (c *Client) List(ctx context.Context, entity string, opts ListOptions) iter.Seq2[*Page, error] {
	return func(yield func(*Page, error) bool) {
		l, err := c.newListing(entity, opts)
		if err != nil {
			yield(nil, c.seal(err))
			return
		}
		for {
			page, err := l.next(ctx)
			if err != nil {
				yield(nil, c.seal(err))
				return
			}
			if !yield(page, nil) || page.Complete {
				return
			}
		}
	}
}

// listing is the state of one List.
type listing struct {
	c        *Client
	e        *entity
	op       *operation
	req      *request
	pager    Paginator
	stop     stopRules
	maxPages int

	number   int
	count    int
	total    int // -1 until the server announces one
	expected int // page size the short rule compares with
	trusted  bool
	requests map[uint64]int // request fingerprint -> page number
	firsts   map[uint64]int // first record fingerprint -> page number
	cursor   time.Time
	maxSeen  int
	header   http.Header              // of the last response
	flaws    map[int][]jsonvalue.Flaw // of the part decoded last
	cur      *listResponse            // the page being handed over in parts
}

// stopRules are specs.StopRules compiled.
type stopRules struct {
	short   bool
	total   jsonvalue.Path
	hasMore jsonvalue.Path
}

const defaultMaxPages = 100000

func (c *Client) newListing(name string, opts ListOptions) (*listing, error) {
	e, err := c.entity(name)
	if err != nil {
		return nil, err
	}
	op, err := e.operation("list", e.list)
	if err != nil {
		return nil, err
	}
	req, err := newRequest(op, c.out, opts.Vars)
	if err != nil {
		return nil, err
	}
	l := &listing{c: c, e: e, op: op, req: req, total: -1, maxPages: defaultMaxPages, requests: map[uint64]int{}, firsts: map[uint64]int{}}
	if err := l.setup(opts); err != nil {
		return nil, fmt.Errorf("list %s: %w", name, err)
	}
	return l, nil
}

// setup creates the paginator, applies the incremental filter and sets the
// first page's parameters.
func (l *listing) setup(opts ListOptions) error {
	if inc := l.e.incremental; inc != nil && !opts.Since.IsZero() {
		if err := l.req.Set(inc.param, inc.since(opts.Since)); err != nil {
			return fmt.Errorf("incremental.param: %w", err)
		}
	}
	p := l.e.paging
	if l.e.newPager == nil || p == nil {
		return nil
	}
	if p.MaxPages > 0 {
		l.maxPages = p.MaxPages
	}
	if p.Stop != nil {
		l.stop = stopRules{short: p.Stop.Short, total: jsonvalue.ParsePath(p.Stop.Total), hasMore: jsonvalue.ParsePath(p.Stop.HasMore)}
	}
	pager, err := l.e.newPager()
	if err != nil {
		return err
	}
	l.pager, l.expected = pager, pager.Size()
	return pager.First(l.req)
}

// next hands over the next part of the current page, or fetches and
// checks the next page and hands over its first part.
func (l *listing) next(ctx context.Context) (*Page, error) {
	if l.cur != nil {
		return l.part(ctx)
	}
	if l.number >= l.maxPages {
		return nil, l.pagingError(l.number, PagingMaxPages, fmt.Sprintf("the listing did not end within %d pages; raise pagination.maxPages if the data set is that large", l.maxPages), nil)
	}
	l.number++
	resp, err := l.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if err := resp.layout.err; err != nil {
		return nil, l.pagingError(l.number, PagingBadResponse, err.Error()+"; check the list operation's records path", err)
	}
	l.cur = resp
	first, err := l.decode(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.checkFirst(first); err != nil {
		return nil, err
	}
	n := len(resp.layout.records)
	l.count += n
	if resp.done, err = l.advance(resp.envelope, n); err != nil {
		return nil, err
	}
	return l.hand(ctx, first)
}

// part decodes and hands over the next part of the current page.
func (l *listing) part(ctx context.Context) (*Page, error) {
	records, err := l.decode(ctx)
	if err != nil {
		return nil, err
	}
	return l.hand(ctx, records)
}

// minPartRecords is the least number of records a part of a page may
// hold: a page with more records than that and than the page size asked
// for is handed over in parts of the larger of the two.
const minPartRecords = 1000

// decode decodes and validates the next part of the current page.
func (l *listing) decode(ctx context.Context) ([]map[string]any, error) {
	resp := l.cur
	asked := 0
	if l.pager != nil {
		asked = l.pager.Size()
	}
	n := min(len(resp.layout.records)-resp.next, max(asked, minPartRecords))
	records, flaws, err := decodeRecords(resp.body, resp.layout.records[resp.next:resp.next+n])
	l.flaws = flaws
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.op.name, err)
	}
	if err := resp.check.records(ctx, resp.next, records); err != nil {
		return nil, err
	}
	resp.next += n
	return records, nil
}

// hand makes the Page of a part; the last part of the last page is the
// complete one.
func (l *listing) hand(ctx context.Context, records []map[string]any) (*Page, error) {
	l.track(ctx, records)
	resp := l.cur
	page := &Page{Number: l.number, Records: records, Flaws: l.flaws}
	l.flaws = nil
	if resp.next < len(resp.layout.records) {
		return page, nil
	}
	l.cur = nil
	if resp.done {
		if err := l.checkTotal(); err != nil {
			return nil, err
		}
		page.Complete, page.NextCursor = true, l.cursor
	}
	return page, nil
}

// fetch sends the current request, refusing one that repeats an earlier
// page's, and reads the response's layout and envelope.
func (l *listing) fetch(ctx context.Context) (*listResponse, error) {
	enc, err := l.req.encode()
	if err != nil {
		return nil, err
	}
	defer enc.release()
	fp := fingerprint(enc.method, enc.url.String(), enc.bodyBytes())
	if prev, dup := l.requests[fp]; dup {
		return nil, l.pagingError(l.number, PagingRepeatedRequest, fmt.Sprintf("the request for this page repeats the one of page %d (same URL and parameters): the system sent the same cursor or link again", prev), nil)
	}
	l.requests[fp] = l.number
	resp, err := l.c.sendList(ctx, l.op, l.req, enc)
	if err != nil {
		return nil, err
	}
	l.header = resp.header
	return resp, nil
}

// checkFirst refuses a page that starts with the same record as an
// earlier page: the system ignores the paging parameter.
func (l *listing) checkFirst(records []map[string]any) error {
	if len(records) == 0 {
		return nil
	}
	b, err := json.Marshal(records[0])
	if err != nil {
		return fmt.Errorf("list %s: page %d: %w", l.e.name, l.number, err)
	}
	fp := fingerprint("", "", b)
	if prev, dup := l.firsts[fp]; dup {
		return l.pagingError(l.number, PagingRepeatedPage, fmt.Sprintf("the page starts with the same record as page %d: the system seems to ignore the paging parameters", prev), nil)
	}
	l.firsts[fp] = l.number
	return nil
}

// advance applies the stop rules and asks the paginator for the next page;
// done means the listing is complete.
func (l *listing) advance(body any, n int) (bool, error) {
	if n == 0 || l.pager == nil {
		return true, nil
	}
	if l.stopped(body, n) {
		return true, nil
	}
	resp := &PageResponse{URL: l.req.last, Header: l.header, Body: body, Records: n}
	more, err := l.pager.Next(resp, l.req)
	if err != nil {
		return false, l.pagingError(l.number, PagingBadResponse, err.Error(), err)
	}
	return !more, nil
}

// stopped applies the stop rules. What the system says about the rest of
// the listing comes first: while the total is not reached or the has-more
// flag is true, the listing goes on whatever the page's length (a short
// page with more to come is a truncated page, not the last one). Only when
// the system says nothing does the short-page rule decide.
func (l *listing) stopped(body any, n int) bool {
	if more, known := l.announced(body); known {
		return !more
	}
	return l.stop.short && l.short(n)
}

// announced reads the total and the has-more flag; known is false when the
// rules name neither or the response carries neither.
func (l *listing) announced(body any) (more, known bool) {
	if v, ok := l.stop.total.Lookup(body); ok && len(l.stop.total) > 0 {
		if t, ok := intValue(v); ok {
			l.total = t
			more, known = l.count < t, true
		}
	}
	if v, ok := l.stop.hasMore.Lookup(body); ok && len(l.stop.hasMore) > 0 {
		if flag, ok := v.(bool); ok {
			more, known = more || flag, true
		}
	}
	return more, known
}

// short reports whether a page of n records is the last by the short-page
// rule. A page shorter than the size asked for is trusted to be the last
// only once the system was seen to honour that size; otherwise the next
// page decides, so that a system capping pages below the asked size does
// not end the listing early. The size then becomes the largest page seen.
func (l *listing) short(n int) bool {
	first := l.maxSeen == 0
	l.maxSeen = max(l.maxSeen, n)
	if n >= l.expected {
		l.expected, l.trusted = n, true
		return false
	}
	if l.trusted {
		return true
	}
	if first {
		return false
	}
	l.expected, l.trusted = l.maxSeen, true
	return n < l.expected
}

// checkTotal refuses a listing that ended short of the announced total.
func (l *listing) checkTotal() error {
	if l.total >= 0 && l.count < l.total {
		return l.pagingError(l.number, PagingIncomplete, fmt.Sprintf("the listing ended after %d records but the system announced %d", l.count, l.total), nil)
	}
	return nil
}

// track keeps the largest incremental field value seen.
func (l *listing) track(ctx context.Context, records []map[string]any) {
	inc := l.e.incremental
	if inc == nil {
		return
	}
	for i, rec := range records {
		v, ok := inc.field.Lookup(rec)
		if !ok || v == nil {
			continue
		}
		t, ok := inc.parse(v)
		if !ok {
			l.c.log.WarnContext(ctx, "incremental field is not a time; the record does not advance the cursor", "entity", l.e.name, "page", l.number, "record", i, "field", inc.field.String())
			continue
		}
		if t.After(l.cursor) {
			l.cursor = t
		}
	}
}

func (l *listing) pagingError(page int, kind PagingKind, detail string, err error) error {
	return &PagingError{Entity: l.e.name, Page: page, Kind: kind, Detail: detail, Err: err}
}

// fingerprint hashes a request (or a record's JSON) for loop detection.
func fingerprint(method, url string, body []byte) uint64 {
	h := fnv.New64a()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(url))
	h.Write([]byte{0})
	h.Write(body)
	return h.Sum64()
}

// intValue reads a JSON number (or numeric string) as an int.
func intValue(v any) (int, bool) {
	s, ok := jsonvalue.Text(v)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// since formats the cursor for the request, minus the lookback.
func (inc *incremental) since(t time.Time) any {
	return inc.format.Value(t.Add(-inc.lookback))
}

// parse reads a modification time in the filter's format. Layouts without
// a zone are read as UTC.
func (inc *incremental) parse(v any) (time.Time, bool) {
	s, ok := jsonvalue.Text(v)
	if !ok {
		return time.Time{}, false
	}
	t, err := inc.format.Parse(s)
	return t, err == nil
}
