package engine

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// patchSpecs writes a home and a partner spec where a unit's area may be
// null on both sides and the partner updates units with PATCH (absent
// fields are kept, null clears); unitFields is the partner unit's
// "fields" options, nil for none. It returns the two paths.
func patchSpecs(t *testing.T, unitFields map[string]any) (home, partner string) {
	return editedSpecs(t, "partner_create.json", func(doc map[string]any) {
		item := doc["paths"].(map[string]any)["/units/{id}"].(map[string]any)
		item["patch"] = item["put"]
		delete(item, "put")
		if unitFields != nil {
			doc["x-sync"].(map[string]any)["entities"].(map[string]any)["unit"].(map[string]any)["fields"] = unitFields
		}
	})
}

// editedSpecs writes the home spec and the partner spec of testdata/run
// named partnerName, a unit's area nullable in both, with change applied
// to the partner's. It returns the two paths.
func editedSpecs(t *testing.T, partnerName string, change func(doc map[string]any)) (home, partner string) {
	t.Helper()
	dir := t.TempDir()
	edit := func(name string, change func(doc map[string]any)) string { return editedSpecIn(t, dir, name, change) }
	nullableArea := func(doc map[string]any) {
		unit := doc["components"].(map[string]any)["schemas"].(map[string]any)["Unit"].(map[string]any)
		unit["properties"].(map[string]any)["area"].(map[string]any)["nullable"] = true
	}
	home = edit("home.json", nullableArea)
	partner = edit(partnerName, func(doc map[string]any) {
		nullableArea(doc)
		change(doc)
	})
	return home, partner
}

// newPatchHarness is a harness between a home and a PATCH partner made by
// patchSpecs.
func newPatchHarness(t *testing.T, unitFields map[string]any) *harness {
	t.Helper()
	homeSpec, partnerSpec := patchSpecs(t, unitFields)
	return newEditedHarness(t, homeSpec, partnerSpec)
}

// newEditedHarness is a harness between a home and a partner of the
// specs at the paths.
func newEditedHarness(t *testing.T, homeSpec, partnerSpec string) *harness {
	t.Helper()
	h := newHarnessSpec(t, redistest.New(t), partnerSpec)
	h.homeURL = h.serve(&h.home, homeSpec, mockOptions{Now: h.clock.Now}, nil)
	h.inst.Home.Spec, h.inst.Home.BaseURL = homeSpec, h.homeURL
	h.reload()
	return h
}

// emptyArea syncs units with an area, then removes u1's area at home.
func emptyArea(t *testing.T, h *harness) map[string]any {
	t.Helper()
	data := newHomeData(1, 2)
	h.seedHome(data)
	if sum := h.run(RunOptions{}); sum.Status() != StatusClean {
		t.Fatalf("first run:\n%s", summaryText(sum))
	}
	if v, ok := h.partnerUnit("u1")["area"]; !ok || v == nil {
		t.Fatalf("the first run did not send u1's area: %v", h.partnerUnit("u1"))
	}
	h.writes.take()
	h.clock.Advance(time.Hour)
	u1 := data.units[0]
	u1["area"] = nil
	put(t, h.homeURL, "/units/u1", u1)
	return u1
}

func TestRunClearsAFieldThatBecameEmpty(t *testing.T) {
	t.Parallel()
	h := newPatchHarness(t, nil)
	emptyArea(t, h)

	sum := h.run(RunOptions{})
	unit := sum.Entity(instance.Push, "unit")
	if unit.Updated != 1 || unit.Divergent != 0 || sum.Status() != StatusClean {
		t.Fatalf("the run after the area was removed:\n%s", summaryText(sum))
	}
	if got := h.writes.take(); len(got) != 1 || !strings.HasPrefix(got[0], "PATCH /units/") {
		t.Errorf("writes %q; want one PATCH of the unit", got)
	}
	if v, ok := h.partnerUnit("u1")["area"]; !ok || v != nil {
		t.Errorf("the partner's u1 %v; want area null", h.partnerUnit("u1"))
	}
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, RunID: sum.RunID})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Outcome != store.OutcomeOK {
		t.Fatalf("audit: %+v (%v)", page.Entries, err)
	}
	if v, ok := page.Entries[0].Values["area"]; !ok || v != nil {
		t.Errorf("audited values %v; want area: null", page.Entries[0].Values)
	}

	// The partner now holds the home's truth: nothing more to send.
	for _, full := range []bool{false, true} {
		sum = h.run(RunOptions{Full: full})
		if u := sum.Entity(instance.Push, "unit"); u.Updated != 0 || u.Divergent != 0 || sum.Status() != StatusClean {
			t.Errorf("run (full %v) after the clear:\n%s", full, summaryText(sum))
		}
		if got := h.writes.take(); len(got) != 0 {
			t.Errorf("run (full %v) after the clear wrote %q", full, got)
		}
	}
}

func TestRunReportsAFieldItMayNotClearDivergent(t *testing.T) {
	t.Parallel()
	h := newPatchHarness(t, map[string]any{"area": map[string]any{"clear": "omit"}})
	u1 := emptyArea(t, h)
	old := h.partnerUnit("u1")["area"]

	for run := range 2 {
		sum := h.run(RunOptions{Full: run == 1})
		unit := sum.Entity(instance.Push, "unit")
		if unit.Divergent != 1 || unit.Updated != 0 || sum.Status() != StatusPartial || sum.ExitCode() != ExitPartial {
			t.Fatalf("run %d: want u1 divergent, the run partial:\n%s", run, summaryText(sum))
		}
		if got := h.writes.take(); len(got) != 0 {
			t.Errorf("run %d wrote %q; only the area changed, which may not be cleared", run, got)
		}
		if v := h.partnerUnit("u1")["area"]; v != old {
			t.Errorf("run %d: the partner's area %v; want the old %v kept", run, v, old)
		}
		page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, Outcome: OutcomeDivergent, RunID: sum.RunID})
		if err != nil || len(page.Entries) != 1 {
			t.Fatalf("run %d: divergent audit entries %+v (%v)", run, page.Entries, err)
		}
		if e := page.Entries[0]; e.Key != "u1" || e.Action != instance.Update || !strings.Contains(e.Error, `"area"`) || !strings.Contains(e.Error, "omit") {
			t.Errorf("run %d: audit entry %+v", run, e)
		}
	}

	// Another change of the record is written; the area stays divergent.
	h.clock.Advance(time.Hour)
	u1["number"] = "1.1a"
	put(t, h.homeURL, "/units/u1", u1)
	sum := h.run(RunOptions{})
	if unit := sum.Entity(instance.Push, "unit"); unit.Divergent != 1 || unit.Updated != 0 {
		t.Fatalf("the run after another change:\n%s", summaryText(sum))
	}
	if got := h.writes.take(); len(got) != 1 || h.partnerUnit("u1")["number"] != "1.1a" || h.partnerUnit("u1")["area"] != old {
		t.Errorf("writes %q, partner u1 %v; want the number written and the area kept", got, h.partnerUnit("u1"))
	}
	// The state remembers the kept area: the next run reports it again.
	sum = h.run(RunOptions{})
	if unit := sum.Entity(instance.Push, "unit"); unit.Divergent != 1 || sum.Status() != StatusPartial {
		t.Fatalf("the run after the write that kept the area:\n%s", summaryText(sum))
	}
	if got := h.writes.take(); len(got) != 0 {
		t.Errorf("the run after the write that kept the area wrote %q", got)
	}

	// The home has the value again: the record converges.
	h.clock.Advance(time.Hour)
	u1["area"] = old
	put(t, h.homeURL, "/units/u1", u1)
	for run := range 2 {
		sum = h.run(RunOptions{})
		if unit := sum.Entity(instance.Push, "unit"); unit.Divergent != 0 || sum.Status() != StatusClean {
			t.Errorf("run %d after the area came back:\n%s", run, summaryText(sum))
		}
	}
	if got := h.writes.take(); len(got) > 1 || slices.Contains(got, "") {
		t.Errorf("writes after the area came back %q; want at most one", got)
	}
}

// An upsert that declares replace drops the fields its body leaves out:
// nothing is sent to clear them, and the record is updated, not
// divergent. (The mock merges, so the partner's old area shows that no
// null was sent.)
func TestRunSendsNoClearToAReplacingUpdate(t *testing.T) {
	t.Parallel()
	homeSpec, partnerSpec := editedSpecs(t, "partner_upsert.json", func(doc map[string]any) {
		unit := doc["x-sync"].(map[string]any)["entities"].(map[string]any)["unit"].(map[string]any)
		unit["upsert"].(map[string]any)["replace"] = true
	})
	h := newEditedHarness(t, homeSpec, partnerSpec)
	emptyArea(t, h)
	old := h.partnerUnit("u1")["area"]
	sum := h.run(RunOptions{})
	if unit := sum.Entity(instance.Push, "unit"); unit.Updated != 1 || unit.Divergent != 0 || sum.Status() != StatusClean {
		t.Fatalf("the run after the area was removed:\n%s", summaryText(sum))
	}
	if got := h.writes.take(); len(got) != 1 || !strings.HasPrefix(got[0], "PUT /units/by-key/u1") {
		t.Errorf("writes %q; want the unit's upsert", got)
	}
	if v := h.partnerUnit("u1")["area"]; v != old {
		t.Errorf("the partner's area %v; want %v, no null sent", v, old)
	}
	if sum = h.run(RunOptions{}); sum.Entity(instance.Push, "unit").Updated != 0 || sum.Status() != StatusClean {
		t.Errorf("the next run:\n%s", summaryText(sum))
	}
}
