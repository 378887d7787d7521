package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/specs"
)

func TestRunFullPushThenNothingToDo(t *testing.T) {
	t.Parallel()
	for _, partner := range []string{"create", "upsert"} {
		t.Run(partner, func(t *testing.T) {
			h := newHarness(t, partner)
			data := newHomeData(3, 4)
			h.seedHome(data)
			sum := h.run(RunOptions{})
			if sum.ExitCode() != ExitClean {
				t.Fatalf("first run: %s\n%s", sum.Status(), summaryText(sum))
			}
			if d := cmp.Diff(expected(data), h.actual()); d != "" {
				t.Fatalf("partner data (-want +got):\n%s", d)
			}
			// Tenants include units and persons, read earlier in the run:
			// no record is fetched again.
			if gets := h.home.Stats().ByOperation["unit.get"] + h.home.Stats().ByOperation["person.get"]; gets != 0 {
				t.Errorf("the run read %d related records one by one; want them from the run's cache", gets)
			}
			h.partner.ResetStats()
			h.home.ResetStats()
			sum = h.run(RunOptions{})
			if w := h.partner.Stats().Writes() + h.home.Stats().Writes(); w != 0 {
				t.Errorf("second run wrote %d records; want 0\n%s", w, summaryText(sum))
			}
			if got := sum.Entity(instance.Pull, "contact").Skipped; got != 12 {
				t.Errorf("pull contact skipped %d echoes, want 12\n%s", got, summaryText(sum))
			}
		})
	}
}

// counts picks the interesting counts of a summary row.
func counts(e *EntitySummary) [6]int64 {
	if e == nil {
		return [6]int64{-1}
	}
	return [6]int64{e.Read, e.Created, e.Updated, e.Deleted, e.Denied, e.Failed}
}

func TestRunIncrementalReadsOnlyChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	data := newHomeData(3, 4)
	h.seedHome(data)
	h.clock.Advance(time.Hour)
	u1 := data.units[0]
	put(t, h.homeURL, "/units/u1", u1)
	h.run(RunOptions{})

	h.clock.Advance(time.Hour)
	u2 := data.units[1]
	u2["area"] = json.Number("99.5")
	put(t, h.homeURL, "/units/u2", u2)
	sum := h.run(RunOptions{})
	unit := sum.Entity(instance.Push, "unit")
	if unit.Full {
		t.Errorf("push unit read everything; want an incremental read")
	}
	// u1 comes again because of the cursor's lookback; only u2 changed.
	if d := cmp.Diff([6]int64{2, 0, 1, 0, 0, 0}, counts(unit)); d != "" {
		t.Errorf("push unit (-want +got):\n%s\n%s", d, summaryText(sum))
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data (-want +got):\n%s", d)
	}
	sum = h.run(RunOptions{Full: true})
	if got := sum.Entity(instance.Push, "unit"); !got.Full || got.Read != 12 || got.Updated != 0 {
		t.Errorf("full run: push unit %+v; want 12 read, nothing written", *got)
	}
}

// TestRunIncrementalReadOfNothingKeepsTheCursor: an incremental run whose
// listing returns nothing (the records the cursor was taken from are gone)
// leaves the cursor where it was, so that the run after it reads
// incrementally again instead of everything.
func TestRunIncrementalReadOfNothingKeepsTheCursor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	data := newHomeData(1, 3)
	h.seedHome(data)
	h.run(RunOptions{})
	for _, u := range data.units {
		del(t, h.homeURL, "/units/"+u["id"].(string))
	}
	for run := 2; run <= 3; run++ {
		h.clock.Advance(time.Hour)
		sum := h.run(RunOptions{})
		if unit := sum.Entity(instance.Push, "unit"); unit.Full || unit.Read != 0 {
			t.Errorf("run %d after the units went: push unit %+v; want an incremental read of nothing", run, *unit)
		}
	}
}

func TestRunPermissionDenials(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	h.inst.Permissions = instance.Permissions{instance.Push: {"building": {instance.Create, instance.Update}, "unit": {instance.Update}}}
	h.reload()
	h.seedHome(newHomeData(2, 3))
	sum := h.run(RunOptions{})

	for _, c := range []struct {
		dir    instance.Direction
		entity string
		want   [6]int64
	}{
		{instance.Push, "building", [6]int64{2, 2, 0, 0, 0, 0}},
		{instance.Push, "unit", [6]int64{6, 0, 0, 0, 6, 0}},
		{instance.Push, "contact", [6]int64{6, 0, 0, 0, 6, 0}},
		// Tenants need the partner ids of their units and contacts, which
		// were never created: they fail rather than being denied.
		{instance.Push, "tenant", [6]int64{6, 0, 0, 0, 0, 6}},
	} {
		if d := cmp.Diff(c.want, counts(sum.Entity(c.dir, c.entity))); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", c.dir, c.entity, d)
		}
	}
	st := h.partner.Stats()
	for _, op := range []string{"unit.create", "contact.create", "tenant.create"} {
		if st.ByOperation[op] != 0 {
			t.Errorf("%d requests to %s; denied actions must not be sent", st.ByOperation[op], op)
		}
	}
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, Entity: "unit", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 6 || page.Entries[0].Outcome != store.OutcomeDenied || page.Entries[0].RunID != sum.RunID || page.Entries[0].Organisation != "acme" {
		t.Errorf("audit of unit: %d entries, first %+v; want 6 denied entries of the run", len(page.Entries), page.Entries[0])
	}
	page, err = h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, Entity: "building", Limit: 100})
	if err != nil || len(page.Entries) != 2 {
		t.Fatalf("audit of building: %+v, %v", page, err)
	}
	for _, e := range page.Entries {
		if e.Outcome != store.OutcomeOK || e.HTTPStatus != http.StatusCreated {
			t.Errorf("audit of a building created: %+v; want outcome ok and the partner's 201", e)
		}
	}
	failures, err := h.eng.Ledger(h.inst).List(context.Background(), store.LedgerFilter{Entity: "tenant"})
	if err != nil {
		t.Fatal(err)
	}
	if len(failures) != 6 || FailureCode(failures[0].Reason.Code) != CodeMissingReference {
		t.Errorf("ledger of tenant: %+v; want 6 missing-reference failures", failures)
	}
}

func TestRunMissingReferenceRetriedFromLedger(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	data := newHomeData(2, 3)
	broken := data.units[4]
	delete(broken, "number") // the model requires it: the unit cannot be mapped
	h.seedHome(data)
	sum := h.run(RunOptions{})
	if sum.Status() != StatusPartial {
		t.Fatalf("status %s, want partial\n%s", sum.Status(), summaryText(sum))
	}
	ledger := h.eng.Ledger(h.inst)
	failures, err := ledger.List(context.Background(), store.LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range failures {
		got = append(got, string(f.Direction)+" "+f.Entity+" "+f.Key+" "+f.Reason.Code)
	}
	slices.Sort(got)
	want := []string{"push tenant l5 missing-reference", "push unit u5 mapping"}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("ledger (-want +got):\n%s", d)
	}

	// The unit is fixed; the next run reads it incrementally and the
	// lease, unchanged, only because the ledger holds it.
	h.clock.Advance(time.Hour)
	broken["number"] = "2.2"
	put(t, h.homeURL, "/units/u5", broken)
	sum = h.run(RunOptions{})
	if e := sum.Entity(instance.Push, "tenant"); e.Full || e.Created != 1 {
		t.Errorf("push tenant: %+v; want an incremental read that creates l5 from the ledger\n%s", *e, summaryText(sum))
	}
	if n, err := ledger.Count(context.Background(), store.LedgerFilter{}); err != nil || n != 0 {
		t.Errorf("ledger holds %d entries after the retry (%v); want 0", n, err)
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data (-want +got):\n%s", d)
	}
}

func TestRunDeletesAndTheirGuard(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	data := newHomeData(4, 5)
	h.seedHome(data)
	h.run(RunOptions{})
	h.writes.take()

	// A failed listing never deletes.
	del(t, h.homeURL, "/leases/l20")
	del(t, h.homeURL, "/units/u20")
	if err := h.home.SetOptions(homeFaults(h, 1)); err != nil {
		t.Fatal(err)
	}
	sum := h.run(RunOptions{Full: true, Direction: instance.Push})
	if sum.Status() != StatusPartial || len(h.writes.take()) != 0 {
		t.Fatalf("with a failing home: status %s, writes %v; want partial and none", sum.Status(), h.writes.take())
	}
	if err := h.home.SetOptions(homeFaults(h, 0)); err != nil {
		t.Fatal(err)
	}

	// One of 20 (5%) is within the guard: deleted, leases before units.
	sum = h.run(RunOptions{Full: true})
	writes := h.writes.take()
	tenant, unit := indexOfPrefix(writes, "DELETE /tenants/"), indexOfPrefix(writes, "DELETE /units/")
	if tenant < 0 || unit < 0 || tenant > unit {
		t.Errorf("writes %v; want the tenant deleted before the unit", writes)
	}
	if e := sum.Entity(instance.Push, "tenant"); e.Deleted != 1 {
		t.Errorf("push tenant deleted %d, want 1\n%s", e.Deleted, summaryText(sum))
	}
	data.leases, data.units = data.leases[:19], data.units[:19]
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data (-want +got):\n%s", d)
	}

	// Three of 19 (16%) are more than the guard's 10%: nothing is deleted.
	for _, id := range []string{"l1", "l2", "l3"} {
		del(t, h.homeURL, "/leases/"+id)
	}
	sum = h.run(RunOptions{Full: true})
	if e := sum.Entity(instance.Push, "tenant"); e.Deleted != 0 || e.Guarded != 3 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "--allow-deletes") {
		t.Errorf("guarded run: %+v, warnings %q", *e, sum.Warnings)
	}
	if sum.Status() != StatusPartial || sum.ExitCode() != ExitPartial {
		t.Errorf("guarded run: status %s, exit %d; want partial, %d", sum.Status(), sum.ExitCode(), ExitPartial)
	}
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, RunID: sum.RunID})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Outcome != store.OutcomeGuarded || page.Entries[0].Action != instance.Delete {
		t.Errorf("audit of the guarded run: %+v (%v); want one guarded delete", page.Entries, err)
	}
	if e := page.Entries[0]; e.Entity != "tenant" || !strings.Contains(e.Error, "--allow-deletes") || fmt.Sprintf("%v of %v", e.Values["gone"], e.Values["known"]) != "3 of 19" || !strings.Contains(fmt.Sprint(e.Values["override"]), "--allow-deletes") {
		t.Errorf("guarded audit entry %+v; want the tenant's 3 of 19 gone and the override", e)
	}
	sum = h.run(RunOptions{Full: true, DeleteOverride: true})
	if e := sum.Entity(instance.Push, "tenant"); e.Deleted != 3 {
		t.Errorf("override: deleted %d, want 3\n%s", e.Deleted, summaryText(sum))
	}
}

// homeFaults are options of the home mock that fail a share of requests.
func homeFaults(h *harness, rate float64) mockOptions {
	return mockOptions{Now: h.clock.Now, ErrorRate: rate}
}

// indexOfPrefix is the index of the first entry starting with prefix.
func indexOfPrefix(list []string, prefix string) int {
	return slices.IndexFunc(list, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

// TestRunRecordRepeatedOnTheNextPage lists every page after the first
// starting with the last record of the page before, as a listing paged by
// offset does when a record was added in between: against a partner
// without upsert, the record is still created once.
func TestRunRecordRepeatedOnTheNextPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	data := newHomeData(60, 0)
	h.seedHome(data)
	shifted := httptest.NewServer(repeatLastOfPageBefore(t, h.homeURL))
	t.Cleanup(shifted.Close)
	h.inst.Home.BaseURL = shifted.URL
	h.reload()

	sum := h.run(RunOptions{Direction: instance.Push, Entity: "building"})
	if sum.Status() != StatusClean {
		t.Fatalf("run:\n%s", summaryText(sum))
	}
	if d := cmp.Diff(expected(data)["building"], h.actual()["building"]); d != "" {
		t.Fatalf("partner buildings (-want +got):\n%s", d)
	}
	if got := sum.Entity(instance.Push, "building").Skipped; got != 1 {
		t.Errorf("skipped %d buildings, want the one repeated\n%s", got, summaryText(sum))
	}
}

// repeatLastOfPageBefore serves home's building pages with the last record
// of the page before put in front of every page but the first.
func repeatLastOfPageBefore(t *testing.T, home string) http.Handler {
	get := func(u string) []any {
		res, err := http.Get(u)
		if err != nil {
			t.Error(err)
			return nil
		}
		defer res.Body.Close()
		var page []any
		if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
			t.Error(err)
		}
		return page
	}
	target, _ := url.Parse(home)
	proxy := httputil.NewSingleHostReverseProxy(target)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if r.URL.Path != "/buildings" || n < 2 {
			proxy.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n-1))
		before := get(home + r.URL.Path + "?" + q.Encode())
		page := get(home + r.URL.RequestURI())
		if len(before) > 0 {
			page = append([]any{before[len(before)-1]}, page...)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
}

func TestRunRefusesStateOfAnUnknownFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	h.seedHome(newHomeData(3, 0))
	push := RunOptions{Direction: instance.Push, Entity: "building"}
	if sum := h.run(push); sum.Status() != StatusClean {
		t.Fatalf("first run:\n%s", summaryText(sum))
	}
	h.writes.take()

	// A value as versions before the format version stored it: hash and
	// time, the partner id in a hash of its own.
	ctx := context.Background()
	written := h.ns.Written(h.inst.ID, "push", "building")
	h.rdb.HSet(ctx, written, "b2", "0123456789abcdef 1740830400000")
	for name, try := range map[string]func() error{
		"plan": func() error { _, err := h.eng.Plan(ctx, h.loaded, push); return err },
		"run":  func() error { _, err := h.eng.Run(ctx, h.loaded, push); return err },
	} {
		err := try()
		if !errors.Is(err, store.ErrStateFormat) {
			t.Fatalf("%s over a value of an unknown format: %v; want ErrStateFormat", name, err)
		}
		for _, want := range []string{`"b2"`, "carries no format version", `"v1"`, h.ns.InstancePattern(h.inst.ID)} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: the error %q does not say %s", name, err, want)
			}
		}
	}
	if w := h.writes.take(); len(w) != 0 {
		t.Errorf("the runs over the unknown format wrote %v", w)
	}
}

// TestOpenWarnsOfWebhookEventsNoFlowSyncs: a home event about buildings
// flowing home, which the home cannot write, would be ignored at every
// delivery; Open says so where the event is declared. An event the
// instance syncs gets no warning.
func TestOpenWarnsOfWebhookEventsNoFlowSyncs(t *testing.T) {
	t.Parallel()
	spec := editedSpec(t, "home.json", func(doc map[string]any) {
		doc["x-sync"].(map[string]any)["webhooks"] = map[string]any{"event": "type", "events": map[string]any{
			"unit.changed":     map[string]any{"entity": "unit", "direction": "push", "key": "{{ event.id }}"},
			"building.changed": map[string]any{"entity": "building", "direction": "pull", "key": "{{ event.id }}"},
		}}
	})
	h := newHarness(t, "upsert")
	h.inst.Home.Spec = spec
	_, fs, err := Open(h.inst, specs.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, f := range fs {
		if f.Code == specs.CodeUnknownEntity {
			warned = append(warned, f.Pointer)
			if f.Severity != specs.SeverityWarning || f.Line == 0 || !strings.Contains(f.Message, "ignored") {
				t.Errorf("finding %+v; want a located warning that says deliveries are ignored", f)
			}
		}
	}
	if want := []string{"/x-sync/webhooks/events/building.changed/entity"}; !slices.Equal(warned, want) {
		t.Errorf("warnings at %q; want %q", warned, want)
	}
}
