package engine

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// adoptSpec is partner_create.json with its unit entity changed by edit,
// written to a temporary file.
func adoptSpec(t *testing.T, edit func(unit map[string]any)) string {
	t.Helper()
	return editedSpec(t, "partner_create.json", func(doc map[string]any) { edit(specEntity(doc, "unit")) })
}

// withMatch declares the unit's match step and pages its list by two.
func withMatch(unit map[string]any) {
	unit["match"] = map[string]any{"key": "{{ record.externalId }}"}
	unit["pagination"].(map[string]any)["size"] = 2
}

// onboardingHarness is a partner that already holds three of the home's
// five units (pushed before the integration), with the home's building
// synchronised: u1 as the home has it, u2 with its area written
// differently but equal as a number (42.50 for 42.5), and u3 with another
// number.
func onboardingHarness(t *testing.T, spec string) (*harness, homeData) {
	t.Helper()
	h := newHarnessSpec(t, redistest.New(t), spec)
	data := newHomeData(1, 5)
	h.seedHome(data)
	if sum := h.run(RunOptions{Direction: instance.Push, Entity: "building"}); sum.ExitCode() != ExitClean {
		t.Fatalf("building: %s", summaryText(sum))
	}
	bid := h.partner.Records("building")[0]["id"]
	seed(t, h.partner, "unit", []map[string]any{
		{"externalId": "u1", "buildingId": bid, "buildingKey": "b1", "number": "1.1", "area": json.Number("41.5")},
		{"externalId": "u2", "buildingId": bid, "buildingKey": "b1", "number": "1.2", "area": json.Number("42.50")},
		{"externalId": "u3", "buildingId": bid, "buildingKey": "b1", "number": "9.9", "area": json.Number("43.5")},
	})
	h.partner.ResetStats()
	return h, data
}

// unitsOnly runs the push of units alone.
var unitsOnly = RunOptions{Direction: instance.Push, Entity: "unit"}

// checkOnboarded checks the first push of units into a partner that
// holds three of them: three adopted, u3 updated, two created, the
// partner holding each unit once with the home's values, and the
// adoptions audited.
func checkOnboarded(t *testing.T, h *harness, data homeData, sum *Summary) {
	t.Helper()
	u := sum.Entity(instance.Push, "unit")
	if got := [5]int64{u.Read, u.Created, u.Adopted, u.Updated, u.Failed}; got != [5]int64{5, 2, 3, 1, 0} {
		t.Errorf("push unit read, created, adopted, updated, failed = %v; want [5 2 3 1 0]\n%s", got, summaryText(sum))
	}
	st := h.partner.Stats()
	if st.Creates != 2 || st.Updates != 1 {
		t.Errorf("the partner saw %d creates and %d updates; want 2 and 1 (u3 only)", st.Creates, st.Updates)
	}
	units := h.actual()["unit"]
	// u2 keeps its area as the partner wrote it: 42.50 is 42.5.
	if i := slices.Index(units, "u2 building=b1 number=1.2 area=42.50"); i >= 0 {
		units[i] = "u2 building=b1 number=1.2 area=42.5"
	} else {
		t.Errorf("u2 was written over; want its area left as 42.50")
	}
	if d := cmp.Diff(expected(data)["unit"], units); d != "" {
		t.Errorf("partner units (-want +got):\n%s", d)
	}
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, Outcome: store.OutcomeAdopted, RunID: sum.RunID})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range page.Entries {
		got[e.Key] = string(e.Action) + " " + strings.Join(anyStrings(e.Values["differs"]), ",")
	}
	if d := cmp.Diff(map[string]string{"u1": "adopt ", "u2": "adopt ", "u3": "adopt number"}, got); d != "" {
		t.Errorf("audit entries with outcome adopted (-want +got):\n%s", d)
	}
}

// anyStrings reads a decoded JSON array of strings.
func anyStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// checkSettled checks that a further run finds the units unchanged,
// without reading the partner.
func checkSettled(t *testing.T, h *harness) {
	t.Helper()
	h.partner.ResetStats()
	sum := h.run(unitsOnly)
	u := sum.Entity(instance.Push, "unit")
	if got := [4]int64{u.Created, u.Adopted, u.Updated, u.Skipped}; got != [4]int64{0, 0, 0, 5} {
		t.Errorf("second run: created, adopted, updated, skipped = %v; want [0 0 0 5]\n%s", got, summaryText(sum))
	}
	if st := h.partner.Stats(); st.Requests != 0 {
		t.Errorf("second run sent %d requests to the partner (%v); want none", st.Requests, st.ByOperation)
	}
}

// TestRunAdoptsWithLookup onboards into a partner that holds three of
// five units, with the unit's lookup: each create looks its record up
// first, the three found are adopted (compared, only u3 updated), two are
// created, none twice.
func TestRunAdoptsWithLookup(t *testing.T) {
	t.Parallel()
	h, data := onboardingHarness(t, testdataPath("partner_create.json"))
	sum := h.run(unitsOnly)
	checkOnboarded(t, h, data, sum)
	if n := h.partner.Stats().ByOperation["unit.lookup"]; n != 5 {
		t.Errorf("%d lookups; want one per new unit, 5", n)
	}
	checkSettled(t, h)
}

// TestRunAdoptsWithMatch onboards into the same partner with the unit's
// match step: the partner is listed once (two pages of two) and no
// record is looked up one by one.
func TestRunAdoptsWithMatch(t *testing.T) {
	t.Parallel()
	h, data := onboardingHarness(t, adoptSpec(t, withMatch))
	sum := h.run(unitsOnly)
	checkOnboarded(t, h, data, sum)
	ops := h.partner.Stats().ByOperation
	if ops["unit.list"] != 2 || ops["unit.lookup"] != 0 {
		t.Errorf("the partner saw %d list and %d lookup requests; want 2 (one per page) and 0", ops["unit.list"], ops["unit.lookup"])
	}
	checkSettled(t, h)
}

// TestPlanShowsAdoptions: a plan of the onboarding lists the three
// matched units as adopt, u3 with its differing field, and the two others
// as creates, and writes nothing.
func TestPlanShowsAdoptions(t *testing.T) {
	t.Parallel()
	h, _ := onboardingHarness(t, adoptSpec(t, withMatch))
	plan, err := h.eng.Plan(context.Background(), h.loaded, unitsOnly)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rec := range plan.Records {
		line := string(rec.Action) + " " + rec.Outcome
		for _, f := range rec.Fields {
			line += " " + f.Field
		}
		got[rec.Key] = line
	}
	want := map[string]string{"u1": "adopt adopt", "u2": "adopt adopt", "u3": "adopt adopt number",
		"u4": "create write area buildingId buildingKey externalId number", "u5": "create write area buildingId buildingKey externalId number"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("planned units (-want +got):\n%s", d)
	}
	var b strings.Builder
	plan.Table(&b, false)
	if !strings.Contains(b.String(), "ADOPT") {
		t.Errorf("the plan's table has no ADOPT column:\n%s", b.String())
	}
	if st := h.partner.Stats(); st.Writes() != 0 || slices.ContainsFunc(h.partner.Records("unit"), func(r map[string]any) bool { return r["externalId"] == "u4" }) {
		t.Errorf("the plan wrote to the partner: %+v", st)
	}
}

// TestRunMatchRefusesAmbiguousKeys: two partner records with one match key
// adopt neither and create nothing; the record fails with
// ambiguous-match.
func TestRunMatchRefusesAmbiguousKeys(t *testing.T) {
	t.Parallel()
	h, _ := onboardingHarness(t, adoptSpec(t, withMatch))
	if err := h.partner.SetOptions(mockOptions{Now: h.clock.Now, DuplicateCreates: true}); err != nil {
		t.Fatal(err)
	}
	seed(t, h.partner, "unit", []map[string]any{{"externalId": "u1", "buildingId": "x", "buildingKey": "b1", "number": "1.1"}})
	sum := h.run(unitsOnly)
	if u := sum.Entity(instance.Push, "unit"); u.Failed != 1 || u.Adopted != 2 || u.Created != 2 {
		t.Errorf("push unit: %+v; want u1 failed, u2 and u3 adopted, u4 and u5 created", *u)
	}
	entries, err := h.eng.Ledger(h.inst).List(context.Background(), store.LedgerFilter{})
	if err != nil || len(entries) != 1 || entries[0].Key != "u1" || entries[0].Reason.Code != string(CodeAmbiguousMatch) {
		t.Errorf("ledger: %+v (%v); want u1 failed with %s", entries, err, CodeAmbiguousMatch)
	}
}

// TestRunAdoptsNamedRecordsByLookup: a run of named records (a webhook's)
// finds them with the entity's lookup rather than listing the whole
// partner for the match step.
func TestRunAdoptsNamedRecordsByLookup(t *testing.T) {
	t.Parallel()
	h, _ := onboardingHarness(t, adoptSpec(t, withMatch))
	sum := h.run(RunOptions{Direction: instance.Push, Entity: "unit", Keys: []string{"u1"}})
	if u := sum.Entity(instance.Push, "unit"); u.Adopted != 1 || u.Created != 0 {
		t.Errorf("push unit: %+v; want u1 adopted", *u)
	}
	if ops := h.partner.Stats().ByOperation; ops["unit.list"] != 0 || ops["unit.lookup"] != 1 {
		t.Errorf("the partner saw %d list and %d lookup requests; want 0 and 1", ops["unit.list"], ops["unit.lookup"])
	}
}
