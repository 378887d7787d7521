package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine/instance"
)

// TestAuditEraseMasksInPlace: the erased record's entries keep their ids,
// order, time and outcome but lose key, values and error; other entries
// keep everything but the erased key where they hold it; the stream is
// no longer than before.
func TestAuditEraseMasksInPlace(t *testing.T) {
	rdb, ns := newRedis(t)
	ctx := context.Background()
	a := NewAudit(rdb, ns, AuditConfig{})
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	entries := []Entry{
		{Time: at, Instance: "i", Direction: instance.Push, Entity: "tenant", Key: "L-7", Action: instance.Update, Outcome: OutcomeOK, Values: map[string]any{"email": "fe***", "coldRent": "700.00"}},
		{Time: at, Instance: "i", Direction: instance.Push, Entity: "tenant", Key: "L-8", Action: instance.Update, Outcome: OutcomeOK, Values: map[string]any{"coldRent": "800.00"}},
		{Time: at, Instance: "i", Direction: instance.Pull, Entity: "tenant", Key: "@p-7", Action: instance.Create, Outcome: OutcomeFailed, Error: "tenant L-7: email invalid"},
		{Time: at, Instance: "i", Direction: instance.Push, Entity: "tenant", Action: instance.Delete, Outcome: OutcomeGuarded, Error: "gone: L-7, L-8", Values: map[string]any{"sample": []any{"L-7", "L-8"}}},
	}
	if err := a.Write(ctx, entries...); err != nil {
		t.Fatal(err)
	}
	before, _ := rdb.XRange(ctx, ns.Audit("i"), "-", "+").Result()
	x := Erasure{Entity: "tenant", Keys: []string{"L-7", "@p-7"}, Scrub: []string{"L-7", "p-7"}, Pseudonym: "erased:1"}
	if n, err := a.CountErased(ctx, "i", x); err != nil || n != 3 {
		t.Fatalf("CountErased = %d, %v; want 3", n, err)
	}
	if n, err := a.Erase(ctx, "i", x); err != nil || n != 3 {
		t.Fatalf("Erase = %d, %v; want 3", n, err)
	}
	after, _ := rdb.XRange(ctx, ns.Audit("i"), "-", "+").Result()
	if len(after) != len(before) {
		t.Fatalf("%d entries after, %d before", len(after), len(before))
	}
	for i := range after {
		if after[i].ID != before[i].ID {
			t.Errorf("entry %d: id %s, was %s", i, after[i].ID, before[i].ID)
		}
		if raw := after[i].Values[fEntry].(string); strings.Contains(raw, "L-7") || strings.Contains(raw, "p-7") || strings.Contains(raw, "fe***") {
			t.Errorf("entry %d still holds the erased record: %s", i, raw)
		}
	}
	if got := decodeEntry(after[0]); got.Key != "erased:1" || got.Values != nil || got.Outcome != OutcomeOK || !got.Time.Equal(at) {
		t.Errorf("erased entry = %+v", got)
	}
	if got := decodeEntry(after[1]); got.Key != "L-8" || got.Values["coldRent"] != "800.00" {
		t.Errorf("another record's entry changed: %+v", got)
	}
	if got := decodeEntry(after[3]); got.Error != "gone: erased:1, L-8" {
		t.Errorf("guarded entry's error = %q", got.Error)
	}
	if n, _ := a.Erase(ctx, "i", x); n != 0 {
		t.Errorf("a second Erase changed %d entries", n)
	}
	if n, _ := rdb.Exists(ctx, ns.Audit("i")+":erasing").Result(); n != 0 {
		t.Error("the copy of the log is left behind")
	}
}
