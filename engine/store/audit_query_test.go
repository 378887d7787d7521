package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/engine/instance"
)

// auditFixture writes 40 entries: keys k00..k39, entity tenant for even
// and unit for odd numbers, every fifth failed, runs r0..r3 by tens, push
// below 30 and pull from 30.
func auditFixture(t *testing.T) *Audit {
	t.Helper()
	rdb, ns := newRedis(t)
	a := NewAudit(rdb, ns, AuditConfig{})
	var entries []Entry
	for i := range 40 {
		e := Entry{
			Instance: "erp-everreal", RunID: fmt.Sprintf("r%d", i/10), Direction: instance.Push,
			Entity: "tenant", Key: fmt.Sprintf("k%02d", i), Action: instance.Update, Outcome: OutcomeOK,
		}
		if i%2 == 1 {
			e.Entity = "unit"
		}
		if i%5 == 0 {
			e.Outcome, e.Error = OutcomeFailed, "partner answered 500"
		}
		if i >= 30 {
			e.Direction = instance.Pull
		}
		entries = append(entries, e)
	}
	if err := a.Write(context.Background(), entries...); err != nil {
		t.Fatal(err)
	}
	return a
}

// queryKeys runs q page by page to the end and returns the keys and the
// number of pages.
func queryKeys(t *testing.T, a *Audit, q Query) ([]string, int) {
	t.Helper()
	keys, pages := []string{}, 0
	for {
		page, err := a.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range page.Entries {
			keys = append(keys, e.Key)
		}
		if page.Cursor == "" {
			return keys, pages
		}
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		q.Cursor = page.Cursor
	}
}

func TestAuditQueryFilters(t *testing.T) {
	a := auditFixture(t)
	cases := []struct {
		name string
		q    Query
		want []string
	}{
		{"failed", Query{Failed: true}, []string{"k35", "k30", "k25", "k20", "k15", "k10", "k05", "k00"}},
		{"failed units", Query{Failed: true, Entity: "unit"}, []string{"k35", "k25", "k15", "k05"}},
		{"key", Query{Key: "k17"}, []string{"k17"}},
		{"run", Query{RunID: "r1", Entity: "tenant"}, []string{"k18", "k16", "k14", "k12", "k10"}},
		{"pull", Query{Direction: instance.Pull, Failed: true}, []string{"k35", "k30"}},
		{"nothing", Query{Entity: "lease"}, []string{}},
	}
	for _, c := range cases {
		c.q.Instance = "erp-everreal"
		got, _ := queryKeys(t, a, c.q)
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
}

func TestAuditQueryPages(t *testing.T) {
	a := auditFixture(t)
	all, pages := queryKeys(t, a, Query{Instance: "erp-everreal", Limit: 7})
	var want []string
	for i := 39; i >= 0; i-- {
		want = append(want, fmt.Sprintf("k%02d", i))
	}
	if d := cmp.Diff(want, all); d != "" {
		t.Errorf("pages of 7 (-want +got):\n%s", d)
	}
	if pages != 6 {
		t.Errorf("%d pages of 7 for 40 entries; want 6", pages)
	}
	tenants, _ := queryKeys(t, a, Query{Instance: "erp-everreal", Entity: "tenant", Limit: 3})
	if len(tenants) != 20 || tenants[0] != "k38" || tenants[19] != "k00" {
		t.Errorf("tenant pages: %v", tenants)
	}
}

func TestAuditQueryTimeRange(t *testing.T) {
	ctx := context.Background()
	rdb, ns := newRedis(t)
	a := NewAudit(rdb, ns, AuditConfig{})
	var groups [][]string
	for g := range 3 {
		ids := writeGroup(t, a, fmt.Sprintf("g%d-", g), 3)
		groups = append(groups, ids)
		waitServerPast(t, rdb, idMillis(t, ids[len(ids)-1]))
	}
	middle := time.UnixMilli(idMillis(t, groups[1][0]))
	until := time.UnixMilli(idMillis(t, groups[1][2]))
	got, _ := queryKeys(t, a, Query{Instance: "erp-everreal", Since: middle, Until: until})
	if d := cmp.Diff([]string{"g1-2", "g1-1", "g1-0"}, got); d != "" {
		t.Errorf("Since..Until (-want +got):\n%s", d)
	}
	got, _ = queryKeys(t, a, Query{Instance: "erp-everreal", Since: time.UnixMilli(idMillis(t, groups[2][0]))})
	if d := cmp.Diff([]string{"g2-2", "g2-1", "g2-0"}, got); d != "" {
		t.Errorf("Since (-want +got):\n%s", d)
	}
	got, _ = queryKeys(t, a, Query{Instance: "erp-everreal", Until: until, Limit: 2})
	if d := cmp.Diff([]string{"g1-2", "g1-1", "g1-0", "g0-2", "g0-1", "g0-0"}, got); d != "" {
		t.Errorf("Until (-want +got):\n%s", d)
	}
	if page, err := a.Query(ctx, Query{Instance: "erp-everreal", Since: until, Until: middle.Add(-time.Millisecond)}); err != nil || len(page.Entries) != 0 {
		t.Errorf("empty range: %+v, %v", page, err)
	}
}

func TestAuditQueryLongRareFilterReturnsACursor(t *testing.T) {
	ctx := context.Background()
	rdb, ns := newRedis(t)
	a := NewAudit(rdb, ns, AuditConfig{})
	needle := Entry{Instance: "erp-everreal", Key: "needle", Action: instance.Delete, Outcome: OutcomeFailed}
	hay := make([]Entry, maxQueryScan+queryChunk)
	for i := range hay {
		hay[i] = Entry{Instance: "erp-everreal", Key: fmt.Sprintf("h%d", i), Action: instance.Skip, Outcome: OutcomeSkipped}
	}
	if err := a.Write(ctx, append([]Entry{needle}, hay...)...); err != nil {
		t.Fatal(err)
	}
	first, err := a.Query(ctx, Query{Instance: "erp-everreal", Failed: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Entries) != 0 || first.Cursor == "" {
		t.Fatalf("first page %d entries, cursor %q; want none and a cursor after the scan budget", len(first.Entries), first.Cursor)
	}
	got, _ := queryKeys(t, a, Query{Instance: "erp-everreal", Failed: true, Cursor: first.Cursor})
	if d := cmp.Diff([]string{"needle"}, got); d != "" {
		t.Errorf("continuing with the cursor (-want +got):\n%s", d)
	}
}

func TestAuditQueryRefusesBadInput(t *testing.T) {
	a := auditFixture(t)
	ctx := context.Background()
	for _, cursor := range []string{"abc", "12-", "-1", "1-2-3", "(1-0"} {
		if _, err := a.Query(ctx, Query{Instance: "erp-everreal", Cursor: cursor}); !errors.Is(err, ErrBadCursor) {
			t.Errorf("cursor %q: %v; want ErrBadCursor", cursor, err)
		}
	}
	if _, err := a.Query(ctx, Query{}); err == nil {
		t.Error("a query without instance was accepted")
	}
	if page, err := a.Query(ctx, Query{Instance: "other"}); err != nil || len(page.Entries) != 0 || page.Cursor != "" {
		t.Errorf("query of an instance without log: %+v, %v", page, err)
	}
}
