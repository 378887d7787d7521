package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// streamLen returns the length of an instance's audit log.
func streamLen(t *testing.T, rdb redis.UniversalClient, key string) int64 {
	t.Helper()
	n, err := rdb.XLen(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// idMillis returns the millisecond part of a stream id.
func idMillis(t *testing.T, id string) int64 {
	t.Helper()
	ms, _, _ := strings.Cut(id, "-")
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		t.Fatalf("stream id %q: %v", id, err)
	}
	return n
}

// waitServerPast waits until the server's clock is past ms, so that the
// next entries get later stream ids.
func waitServerPast(t *testing.T, rdb redis.UniversalClient, ms int64) {
	t.Helper()
	for {
		now, err := rdb.Time(context.Background()).Result()
		if err != nil {
			t.Fatal(err)
		}
		if now.UnixMilli() > ms {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAuditWriteMasksRedactsAndReadsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	cet := time.FixedZone("CET", 3600)
	a := NewAudit(rdb, ns, AuditConfig{
		Personal: map[string][]string{"tenant": {"last_name", "contact.email"}},
		Redactor: NewRedactor("s3cr3t-t0ken"),
	})
	in := Entry{
		Time: time.Date(2025, 3, 1, 23, 0, 1, 123456789, cet), RunID: "run-1", Organisation: "acme", Instance: "erp-everreal",
		Direction: instance.Push, Entity: "tenant", Key: "L-1", Action: instance.Update, Outcome: OutcomeFailed,
		Error: "422 from partner, sent with token s3cr3t-t0ken", HTTPStatus: 422, Duration: 84 * time.Millisecond,
		Values: map[string]any{"last_name": "Mustermann", "contact": map[string]any{"email": "max@example.com"}, "rent": "812.50"},
	}
	if err := a.Write(ctx, in); err != nil {
		t.Fatal(err)
	}
	page, err := a.Query(ctx, Query{Instance: "erp-everreal"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 || page.Cursor != "" {
		t.Fatalf("page %+v; want one entry and no cursor", page)
	}
	want := in
	want.Error = "422 from partner, sent with token [redacted]"
	want.Values = map[string]any{"last_name": "Mu***", "contact": map[string]any{"email": "ma***"}, "rent": "812.50"}
	got := page.Entries[0]
	if d := cmp.Diff(want, got, cmpopts.IgnoreFields(Entry{}, "ID")); d != "" {
		t.Errorf("entry (-want +got):\n%s", d)
	}
	if _, offset := got.Time.Zone(); offset != 3600 {
		t.Errorf("time %v lost its zone", got.Time)
	}
	if in.Values["last_name"] != "Mustermann" {
		t.Error("Write masked the caller's values")
	}
}

func TestAuditorBuffersAndFlushes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	clock := clock.NewManual(time.Now())
	a := NewAudit(rdb, ns, AuditConfig{FlushEvery: 10, Clock: clock})
	w := a.NewAuditor()
	key := ns.Audit("erp-everreal")
	for i := range 9 {
		if err := w.Add(ctx, Entry{Instance: "erp-everreal", Key: strconv.Itoa(i), Action: instance.Skip, Outcome: OutcomeSkipped}); err != nil {
			t.Fatal(err)
		}
	}
	if n := streamLen(t, rdb, key); n != 0 {
		t.Errorf("%d entries written before the buffer was full", n)
	}
	if err := w.Add(ctx, Entry{Instance: "erp-everreal", Key: "9", Action: instance.Create, Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	if n := streamLen(t, rdb, key); n != 10 {
		t.Errorf("%d entries written when the buffer filled; want 10", n)
	}
	if err := w.Add(ctx, Entry{Instance: "erp-everreal", Key: "10", Action: instance.Create, Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := streamLen(t, rdb, key); n != 11 {
		t.Errorf("%d entries after Close; want 11", n)
	}
	page, err := a.Query(ctx, Query{Instance: "erp-everreal", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if e := page.Entries[0]; e.Key != "10" || !e.Time.Equal(clock.Now()) {
		t.Errorf("newest entry %+v; want key 10 stamped by the clock", e)
	}
}

func TestAuditorKeepsEntriesWhenWritingFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	w := NewAudit(rdb, ns, AuditConfig{FlushEvery: 2}).NewAuditor()
	if err := w.Add(ctx, Entry{Instance: "erp-everreal", Action: instance.Create, Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(ctx, Entry{Action: instance.Create, Outcome: OutcomeOK}); err == nil {
		t.Fatal("an entry without instance was accepted")
	}
	if n := len(w.buf); n != 2 {
		t.Errorf("%d entries buffered after a failed write; want both kept", n)
	}
}

func TestAuditCapsLength(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	a := NewAudit(rdb, ns, AuditConfig{MaxLen: 100})
	w := a.NewAuditor()
	for i := range 1000 {
		if err := w.Add(ctx, Entry{Instance: "erp-everreal", Entity: "tenant", Key: fmt.Sprintf("L-%d", i), Action: instance.Create, Outcome: OutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	key := ns.Audit("erp-everreal")
	if n := streamLen(t, rdb, key); n < 100 || n > 300 {
		t.Errorf("approximate cap of 100 left %d of 1000 entries", n)
	}
	if err := a.Trim(ctx, "erp-everreal"); err != nil {
		t.Fatal(err)
	}
	if n := streamLen(t, rdb, key); n != 100 {
		t.Errorf("exact trim left %d entries; want 100", n)
	}
	page, err := a.Query(ctx, Query{Instance: "erp-everreal", Limit: 1})
	if err != nil || page.Entries[0].Key != "L-999" {
		t.Errorf("newest entry after trimming %+v, %v; want L-999", page.Entries, err)
	}
}

// writeGroup writes n entries with keys prefix0..prefixN and returns
// their stream ids, oldest first.
func writeGroup(t *testing.T, a *Audit, prefix string, n int) []string {
	t.Helper()
	ctx := context.Background()
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = Entry{Instance: "erp-everreal", Entity: "tenant", Key: fmt.Sprintf("%s%d", prefix, i), Action: instance.Create, Outcome: OutcomeOK}
	}
	if err := a.Write(ctx, entries...); err != nil {
		t.Fatal(err)
	}
	page, err := a.Query(ctx, Query{Instance: "erp-everreal", Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	for i, e := range page.Entries {
		ids[n-1-i] = e.ID
	}
	return ids
}

func TestAuditCapsAge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	clock := clock.NewManual(time.Now())
	const maxAge = 90 * 24 * time.Hour
	a := NewAudit(rdb, ns, AuditConfig{MaxAge: maxAge, Clock: clock})
	old := writeGroup(t, a, "old-", 300)
	waitServerPast(t, rdb, idMillis(t, old[len(old)-1]))
	young := writeGroup(t, a, "young-", 20)
	// 90 days later the old entries are past the age cap, the young ones
	// just within it.
	clock.Set(time.UnixMilli(idMillis(t, young[0])).Add(maxAge))
	if err := a.Write(ctx, Entry{Instance: "erp-everreal", Key: "trigger", Action: instance.Skip, Outcome: OutcomeSkipped}); err != nil {
		t.Fatal(err)
	}
	count := func() (oldLeft, youngLeft int) {
		t.Helper()
		page, err := a.Query(ctx, Query{Instance: "erp-everreal", Limit: maxQueryLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			switch {
			case strings.HasPrefix(e.Key, "old-"):
				oldLeft++
			case strings.HasPrefix(e.Key, "young-"):
				youngLeft++
			}
		}
		return oldLeft, youngLeft
	}
	if o, y := count(); o >= 150 || y != 20 {
		t.Errorf("approximate age cap left %d of 300 old and %d of 20 young entries; want most old gone, every young kept", o, y)
	}
	if err := a.Trim(ctx, "erp-everreal"); err != nil {
		t.Fatal(err)
	}
	if o, y := count(); o != 0 || y != 20 {
		t.Errorf("exact trim left %d old and %d young entries; want 0 and 20", o, y)
	}
}

func TestAuditEntriesRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 1, 23, 0, 1, 5, time.FixedZone("CET", 3600))
	for _, e := range []Entry{
		{Time: at, Instance: "i", Action: instance.Create, Outcome: OutcomeOK},
		{Time: at, RunID: "r", Organisation: "o", Instance: "i", Direction: instance.Pull, Entity: "tenant", Key: `L-"1"`,
			Action: instance.Update, Outcome: OutcomeFailed, Error: "line one\nline \"two\" \\ end", HTTPStatus: 500, Duration: 3 * time.Second},
		{Time: at, Instance: "i", Action: instance.Delete, Outcome: OutcomeOK, Values: map[string]any{"mode": "detach", "alreadyGone": false}},
		{Time: at, Instance: "i", Action: instance.Update, Outcome: OutcomeOK, Error: "e", Values: map[string]any{"rent": json.Number("812.50")}},
		{Time: at, Organisation: "o", Instance: "i", Action: "disable", Outcome: OutcomeOK, Actor: "alice@acme.example"},
		{Time: at, Instance: "i", Action: "run", Outcome: OutcomeFailed, Error: "busy", Values: map[string]any{"full": true}, Actor: "ops"},
	} {
		b, err := e.encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jsonvalue.Decode(b); err != nil {
			t.Fatalf("%s is not JSON: %v", b, err)
		}
		got := decodeEntry(redis.XMessage{ID: "1-0", Values: map[string]any{fEntry: string(b)}})
		e.ID = "1-0"
		if d := cmp.Diff(e, got); d != "" {
			t.Errorf("%s read back (-want +got):\n%s", b, d)
		}
	}
}

func TestAuditMarksEntriesOfAnUnknownFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	// An entry as versions before the format version wrote it: a stream
	// field per value.
	err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: ns.Audit("erp"), Values: []any{
		"t", "2025-03-01T23:00:01+01:00", "inst", "erp", "action", "update", "outcome", "failed",
	}}).Err()
	if err != nil {
		t.Fatal(err)
	}
	page, err := NewAudit(rdb, ns, AuditConfig{}).Query(ctx, Query{Instance: "erp"})
	if err != nil || len(page.Entries) != 1 {
		t.Fatalf("%+v, %v", page, err)
	}
	want := Entry{Error: "this version of specsync does not read the format of this entry"}
	if d := cmp.Diff(want, page.Entries[0], cmpopts.IgnoreFields(Entry{}, "ID")); d != "" {
		t.Errorf("entry of an unknown format (-want +got):\n%s", d)
	}
}

func TestAuditMarksEntriesOfALaterFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	a := NewAudit(rdb, ns, AuditConfig{})
	if err := a.Write(ctx, Entry{Instance: "erp", Action: "update", Outcome: OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: ns.Audit("erp"), Values: []any{"v2", `["2025-03-01T23:00:01+01:00"]`}}).Err()
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.Query(ctx, Query{Instance: "erp"})
	if err != nil || len(page.Entries) != 2 {
		t.Fatalf("%+v, %v", page, err)
	}
	if got := page.Entries[0]; got.Error != errEntryFormat || got.Action != "" {
		t.Errorf("entry of format v2: %+v; want only its mark", got)
	}
	if got := page.Entries[1]; got.Error != "" || got.Action != "update" {
		t.Errorf("entry of format v1: %+v", got)
	}
}
