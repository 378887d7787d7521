package server

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// auditOutcomes are the outcomes the audit search offers.
var auditOutcomes = []string{"ok", "failed", "denied", "skipped", "conflict", "guarded", "divergent", "adopted", "drift", "erased", "resolved"}

// auditSearch is the audit search of the instance page: the filters of
// `specsync audit`, one page of entries and the link to the next.
type auditSearch struct {
	Form     url.Values
	Outcomes []string
	Entries  []store.Entry
	Next     url.Values
	Error    string
}

// searchAuditPage runs the audit search the query's filters ask for.
func (s *Server) searchAuditPage(ctx context.Context, audit *store.Audit, id string, q url.Values) auditSearch {
	out := auditSearch{Form: q, Outcomes: auditOutcomes}
	query, err := auditQuery(id, q, s.cfg.Clock.Now())
	if err == nil {
		var page store.Page
		page, err = audit.Query(ctx, query)
		out.Entries = page.Entries
		if page.Cursor != "" {
			out.Next = url.Values{}
			for k, v := range q {
				if k != "cursor" && k != "done" {
					out.Next[k] = v
				}
			}
			out.Next.Set("cursor", page.Cursor)
		}
	}
	if err != nil {
		out.Error = err.Error()
	}
	return out
}

// auditQuery reads the audit filters of q, named as the flags of
// `specsync audit` are.
func auditQuery(id string, q url.Values, now time.Time) (store.Query, error) {
	query := store.Query{Instance: id, Failed: q.Get("failed") != "", Entity: strings.TrimSpace(q.Get("entity")),
		Key: strings.TrimSpace(q.Get("key")), RunID: strings.TrimSpace(q.Get("run")),
		Direction: instance.Direction(q.Get("direction")), Outcome: store.Outcome(q.Get("outcome")), Cursor: q.Get("cursor"), Limit: 50}
	if d := query.Direction; d != "" && d != instance.Push && d != instance.Pull {
		return query, fmt.Errorf("direction must be push or pull, not %q", d)
	}
	if o := q.Get("outcome"); o != "" && !slices.Contains(auditOutcomes, o) {
		return query, fmt.Errorf("outcome must be one of %s, not %q", strings.Join(auditOutcomes, ", "), o)
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return query, fmt.Errorf("limit must be a number from 1 to 1000, not %q", l)
		}
		query.Limit = n
	}
	var err error
	query.Since, err = store.ParseSince(strings.TrimSpace(q.Get("since")), now)
	return query, err
}
