package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// Query selects entries of one instance's audit log. Filters combine with
// "and"; the zero value of each leaves it out.
type Query struct {
	// Instance whose log is read. Required.
	Instance string
	// Failed keeps only entries with the outcome "failed".
	Failed bool
	// Outcome keeps only entries with this outcome ("guarded" finds the
	// deletes the delete guard held back).
	Outcome   Outcome
	Direction instance.Direction
	Entity    string
	// Key is a home key.
	Key   string
	RunID string
	// Since and Until bound when entries were written (inclusive, to the
	// millisecond).
	Since, Until time.Time
	// Limit caps the entries of one page. Zero means 50; at most 1000.
	Limit int
	// Cursor continues a previous page (Page.Cursor). Empty starts with
	// the newest entry.
	Cursor string
}

// Page is one page of query results, newest first.
type Page struct {
	Entries []Entry
	// Cursor fetches the next page; empty when there is no more.
	Cursor string
}

// Query limits.
const (
	defaultQueryLimit = 50
	maxQueryLimit     = 1000
	// queryChunk is how many entries one round trip reads at least.
	queryChunk = 500
	// maxQueryScan bounds the entries one Query call examines, so that a
	// rare filter over a long log returns a partial page with a cursor
	// instead of reading the whole log at once.
	maxQueryScan = 20_000
)

// ErrBadCursor is matched by the error of Query for a cursor that no query
// returned.
var ErrBadCursor = errors.New("invalid cursor")

// Query returns the newest entries matching q, at most q.Limit, and a
// cursor for the next page. A page may hold fewer entries than the limit
// while the cursor is not empty: the log is long and the filter rare;
// continue with the cursor.
func (a *Audit) Query(ctx context.Context, q Query) (Page, error) {
	if q.Instance == "" {
		return Page{}, errors.New("audit query: name the instance whose log to read")
	}
	end, err := q.end()
	if err != nil {
		return Page{}, fmt.Errorf("audit query of instance %q: %w", q.Instance, err)
	}
	page, err := a.scan(ctx, q, end, q.start())
	if err != nil {
		return Page{}, fmt.Errorf("audit query of instance %q: %w", q.Instance, err)
	}
	return page, nil
}

// scan reads the log backwards from end to start, a chunk per round trip,
// until the page is full, the log is exhausted or the scan budget is
// spent.
func (a *Audit) scan(ctx context.Context, q Query, end, start string) (Page, error) {
	limit := min(cmp.Or(q.Limit, defaultQueryLimit), maxQueryLimit)
	chunk := int64(max(limit, queryChunk))
	var page Page
	for scanned := 0; scanned < maxQueryScan; {
		msgs, err := a.rdb.XRevRangeN(ctx, a.keys.Audit(q.Instance), end, start, chunk).Result()
		if err != nil {
			return Page{}, err
		}
		for _, m := range msgs {
			e := decodeEntry(m)
			if !q.matches(e) {
				continue
			}
			if page.Entries = append(page.Entries, e); len(page.Entries) == limit {
				page.Cursor = m.ID
				return page, nil
			}
		}
		if int64(len(msgs)) < chunk {
			page.Cursor = ""
			return page, nil
		}
		scanned += len(msgs)
		page.Cursor = msgs[len(msgs)-1].ID
		end = "(" + page.Cursor
	}
	return page, nil
}

// end is the newest stream id to read: before the cursor, or at Until.
func (q Query) end() (string, error) {
	if q.Cursor != "" {
		if !validID(q.Cursor) {
			return "", fmt.Errorf("%w %q: pass a cursor from a previous page", ErrBadCursor, q.Cursor)
		}
		return "(" + q.Cursor, nil
	}
	if q.Until.IsZero() {
		return "+", nil
	}
	return fmt.Sprintf("%d-%d", q.Until.UnixMilli(), uint64(math.MaxUint64)), nil
}

// start is the oldest stream id to read.
func (q Query) start() string {
	if q.Since.IsZero() {
		return "-"
	}
	return strconv.FormatInt(max(q.Since.UnixMilli(), 0), 10) + "-0"
}

// validID reports whether s is a complete stream id ("1700000000000-0").
func validID(s string) bool {
	ms, seq, ok := strings.Cut(s, "-")
	_, err1 := strconv.ParseUint(ms, 10, 64)
	_, err2 := strconv.ParseUint(seq, 10, 64)
	return ok && err1 == nil && err2 == nil
}

// matches reports whether e passes the query's filters.
func (q Query) matches(e Entry) bool {
	return (!q.Failed || e.Outcome == OutcomeFailed) &&
		(q.Outcome == "" || e.Outcome == q.Outcome) &&
		(q.Direction == "" || e.Direction == q.Direction) &&
		(q.Entity == "" || e.Entity == q.Entity) &&
		(q.Key == "" || e.Key == q.Key) &&
		(q.RunID == "" || e.RunID == q.RunID)
}

// errEntryFormat is the Error of an entry read back from a message of
// a format this version does not read.
const errEntryFormat = "this version of specsync does not read the format of this entry"

// decodeEntry decodes a stream message. Unreadable values stay zero: an
// audit reader shows what it can.
func decodeEntry(m redis.XMessage) Entry {
	v, ok := m.Values[fEntry]
	if !ok {
		return Entry{ID: m.ID, Error: errEntryFormat}
	}
	var list []any
	if x, err := jsonvalue.Decode([]byte(str(v))); err == nil {
		list, _ = x.([]any)
	}
	get := func(i int) string {
		if i < len(list) {
			s, _ := jsonvalue.Text(list[i])
			return s
		}
		return ""
	}
	e := entryOf(m.ID, func(name string) string { return get(fieldIndex[name]) })
	if len(list) > fieldIndex["values"] {
		e.Values, _ = list[fieldIndex["values"]].(map[string]any)
	}
	return e
}

// fieldIndex is the position of each named value in an entry's array.
var fieldIndex = func() map[string]int {
	m := make(map[string]int, len(entryFields))
	for i, name := range entryFields {
		m[name] = i
	}
	return m
}()

// entryOf builds an entry, values left out, from its values by name.
func entryOf(id string, get func(name string) string) Entry {
	e := Entry{
		ID: id, RunID: get("run"), Organisation: get("org"), Instance: get("inst"),
		Direction: instance.Direction(get("dir")), Entity: get("entity"), Key: get("key"),
		Action: instance.Action(get("action")), Outcome: Outcome(get("outcome")), Error: get("error"),
		Actor: get("actor"),
	}
	e.Time, _ = time.Parse(time.RFC3339Nano, get("t"))
	e.HTTPStatus, _ = strconv.Atoi(get("status"))
	if ms, err := strconv.ParseInt(get("ms"), 10, 64); err == nil {
		e.Duration = time.Duration(ms) * time.Millisecond
	}
	return e
}

// ParseSince reads the lower time bound of an audit search: a time
// (RFC 3339), a date, or a duration back from now; "" means none.
func ParseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("since %q is neither a time (2025-03-01T00:00:00Z), a date (2025-03-01) nor a duration (24h)", s)
}
