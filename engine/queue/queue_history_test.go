package queue

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/stored"
)

func TestHistoryRefusesRecordsOfAnUnknownFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	h := NewHistory(rdb, ns, HistoryConfig{})
	rec := RunRecord{ID: "r-1", Instance: "x", Outcome: RunOK}
	if err := h.Finish(ctx, rec); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(RunRecord{ID: "r-2", Instance: "x", Outcome: RunActive})
	if err != nil {
		t.Fatal(err)
	}
	for value, found := range map[string]string{string(data): "", "v2 " + string(data): "v2"} {
		rdb.Set(ctx, ns.ActiveRun("x"), value, 0)
		rdb.LPush(ctx, ns.Runs("x"), value)
		for name, c := range map[string]struct {
			read func() error
			key  string
		}{
			"Active": {func() error { _, err := h.Active(ctx, "x"); return err }, ns.ActiveRun("x")},
			"List":   {func() error { _, err := h.List(ctx, "x", 0, 0); return err }, ns.Runs("x")},
			"Last":   {func() error { _, err := h.Last(ctx, "x"); return err }, ns.Runs("x")},
			"Get":    {func() error { _, err := h.Get(ctx, "x", "r-1"); return err }, ns.ActiveRun("x")},
		} {
			err := c.read()
			var fe *store.FormatError
			if !errors.As(err, &fe) || !errors.Is(err, stored.ErrFormat) || fe.Found != found || fe.Value != `run history of instance "x"` {
				t.Errorf("%s over a record of format %q: %v; want its FormatError", name, found, err)
			} else if !strings.Contains(err.Error(), c.key) || !strings.Contains(err.Error(), `"v1"`) {
				t.Errorf("%s: %q does not name the key to remove and the format read", name, err)
			}
		}
		rdb.Del(ctx, ns.ActiveRun("x"))
		rdb.LPop(ctx, ns.Runs("x"))
	}
	if got, err := h.Last(ctx, "x"); err != nil || got == nil || got.ID != "r-1" {
		t.Errorf("Last once the other records are gone: %+v, %v; want r-1", got, err)
	}
}

// TestCountsOfCarryAdopted: a run record, and so the metrics, count the
// records a run adopted.
func TestCountsOfCarryAdopted(t *testing.T) {
	sum := &engine.Summary{Entities: []*engine.EntitySummary{{Direction: instance.Push, Entity: "unit", Read: 5, Created: 2, Adopted: 3, Updated: 1}}}
	got := countsOf(sum)
	if len(got) != 1 || got[0].Counts["adopted"] != 3 || got[0].Counts["created"] != 2 || got[0].Counts["updated"] != 1 {
		t.Errorf("countsOf = %+v; want adopted 3, created 2, updated 1", got)
	}
}
