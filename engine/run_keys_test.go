package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/engine/instance"
)

// A webhook's record job syncs the one record it names: read with the
// home's get, written alone, with no listing and no cursor moved.
func TestRunKeysSyncsOnlyTheNamedRecord(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	data := newHomeData(3, 4)
	h.seedHome(data)
	h.run(RunOptions{})

	u2, u3 := data.units[1], data.units[2]
	u2["area"], u3["area"] = json.Number("99.5"), json.Number("12.5")
	put(t, h.homeURL, "/units/u2", u2)
	put(t, h.homeURL, "/units/u3", u3)
	h.home.ResetStats()
	h.partner.ResetStats()

	sum := h.run(RunOptions{Direction: instance.Push, Entity: "unit", Keys: []string{"u2"}})
	if d := cmp.Diff([6]int64{1, 0, 1, 0, 0, 0}, counts(sum.Entity(instance.Push, "unit"))); d != "" {
		t.Errorf("push unit (-want +got):\n%s\n%s", d, summaryText(sum))
	}
	if lists := h.home.Stats().ByOperation["unit.list"]; lists != 0 {
		t.Errorf("the record job listed units %d times; want a get only", lists)
	}
	if w := h.partner.Stats().Writes(); w != 1 {
		t.Errorf("partner got %d writes; want 1 (u2 only)", w)
	}
	// u3 changed too but was not named: the next run sends it.
	if sum := h.run(RunOptions{}); sum.Entity(instance.Push, "unit").Updated != 1 {
		t.Errorf("next run: %s", summaryText(sum))
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data (-want +got):\n%s", d)
	}
}

func TestRunKeysNeedEntityAndDirection(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	h.seedHome(newHomeData(1, 1))
	_, err := h.eng.Run(t.Context(), h.loaded, RunOptions{Keys: []string{"u1"}})
	if err == nil || !strings.Contains(err.Error(), "needs an entity and a direction") {
		t.Errorf("err = %v; want a refusal naming entity and direction", err)
	}
}
