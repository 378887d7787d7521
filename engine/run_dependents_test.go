package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/redistest"
)

// tenantEmailSpec writes a partner spec whose tenants carry their
// person's e-mail, an included record, and returns its path. With
// contacts the persons are synchronised as contacts of their own (owned
// by the home); without, the partner spec has no contact entity and
// persons are only included.
func tenantEmailSpec(t *testing.T, contacts bool) string {
	t.Helper()
	return editedSpec(t, "partner_upsert.json", func(doc map[string]any) {
		tenantSchema := doc["components"].(map[string]any)["schemas"].(map[string]any)["Tenant"].(map[string]any)
		tenantSchema["properties"].(map[string]any)["email"] = map[string]any{"type": "string"}
		entities := doc["x-sync"].(map[string]any)["entities"].(map[string]any)
		write := entities["tenant"].(map[string]any)["write"].(map[string]any)
		write["email"] = "{{ person.email }}"
		if contacts {
			delete(entities["contact"].(map[string]any), "sourceOfTruth")
		} else {
			delete(entities, "contact")
			write["contactId"] = "{{ person.id }}"
		}
	})
}

// tenantEmails is the e-mail of each tenant the partner holds, by lease.
func (h *harness) tenantEmails() map[string]string {
	out := map[string]string{}
	for _, r := range h.partner.Records("tenant") {
		out[fmt.Sprint(r["externalId"])] = fmt.Sprint(r["email"])
	}
	return out
}

// changeHome changes one field of a home record as its users would, an
// hour later.
func (h *harness) changeHome(entity, key, field string, value any) {
	h.t.Helper()
	h.clock.Advance(time.Hour)
	rec := h.homeRecord(entity, key)
	rec[field] = value
	delete(rec, "updatedAt")
	put(h.t, h.homeURL, "/"+entity+"s/"+key, rec)
}

// replaceLease gives a home lease another person an hour later (the
// home's API replaces a lease by removing and adding it).
func (h *harness) replaceLease(key, person string) {
	h.t.Helper()
	h.clock.Advance(time.Hour)
	lease := h.homeRecord("lease", key)
	lease["person_id"] = person
	delete(lease, "updatedAt")
	del(h.t, h.homeURL, "/leases/"+key)
	seed(h.t, h.home, "lease", []map[string]any{lease})
}

// quietRun runs the instance and fails unless the run wrote nothing and
// read none of the dependents again.
func (h *harness) quietRun(what string) {
	h.t.Helper()
	h.partner.ResetStats()
	h.home.ResetStats()
	sum := h.run(RunOptions{})
	if w := h.partner.Stats().Writes() + h.home.Stats().Writes(); w != 0 {
		h.t.Errorf("%s: the run wrote %d records; want none\n%s", what, w, summaryText(sum))
	}
	if gets := h.home.Stats().ByOperation["lease.get"]; gets != 0 {
		h.t.Errorf("%s: the run read %d leases again; want none", what, gets)
	}
}

func TestRunIncludedRecordChangeUpdatesItsDependents(t *testing.T) {
	t.Parallel()
	for _, contacts := range []bool{true, false} {
		t.Run(fmt.Sprintf("contacts=%v", contacts), func(t *testing.T) {
			t.Parallel()
			h := newHarnessSpec(t, redistest.New(t), tenantEmailSpec(t, contacts))
			data := newHomeData(1, 3)
			h.seedHome(data)
			// l3 changes an hour later: the lease cursor is past l1 and l2,
			// which incremental reads do not list again.
			h.replaceLease("l3", "p3")
			if sum := h.run(RunOptions{}); sum.ExitCode() != ExitClean {
				t.Fatalf("first run: %s\n%s", sum.Status(), summaryText(sum))
			}
			want := map[string]string{"l1": "erika1@example.com", "l2": "erika2@example.com", "l3": "erika3@example.com"}
			if d := cmp.Diff(want, h.tenantEmails()); d != "" {
				t.Fatalf("tenant e-mails after the first run (-want +got):\n%s", d)
			}

			// Only the person's e-mail changes; the lease does not.
			h.changeHome("person", "p2", "email", "erika.neu@example.com")
			plan, err := h.eng.Plan(context.Background(), h.loaded, RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			planned := map[string]string{}
			for _, r := range plan.Records {
				planned[string(r.Direction)+" "+r.Entity+" "+r.Key] = string(r.Action) + " " + r.Outcome
			}
			if got := planned["push tenant l2"]; got != "update write" {
				t.Errorf("the plan has push tenant l2 %q; want an update (all planned: %v)", got, planned)
			}

			h.partner.ResetStats()
			sum := h.run(RunOptions{})
			tenant := sum.Entity(instance.Push, "tenant")
			if tenant.Full || tenant.Updated != 1 || tenant.Created != 0 || tenant.Failed != 0 {
				t.Errorf("push tenant %+v; want an incremental read and exactly one update\n%s", *tenant, summaryText(sum))
			}
			writes := int64(1)
			if contacts {
				writes = 2 // the contact too
			}
			if w := h.partner.Stats().Writes(); w != writes {
				t.Errorf("the partner took %d writes; want %d\n%s", w, writes, summaryText(sum))
			}
			want["l2"] = "erika.neu@example.com"
			if d := cmp.Diff(want, h.tenantEmails()); d != "" {
				t.Errorf("tenant e-mails (-want +got):\n%s", d)
			}
			h.quietRun("the run after the change")
		})
	}
}

func TestRunDependentThatIncludesAnotherRecordDropsItsOldEdge(t *testing.T) {
	t.Parallel()
	h := newHarnessSpec(t, redistest.New(t), tenantEmailSpec(t, false))
	h.seedHome(newHomeData(1, 3))
	h.replaceLease("l3", "p3")
	h.run(RunOptions{})

	// Lease l1 moves from person p1 to p2.
	h.replaceLease("l1", "p2")
	sum := h.run(RunOptions{})
	if got := sum.Entity(instance.Push, "tenant").Updated; got != 1 {
		t.Fatalf("the lease's change updated %d tenants; want 1\n%s", got, summaryText(sum))
	}
	// A later change of l3 moves the cursor past l1, so that the next
	// incremental read does not list l1 again.
	h.replaceLease("l3", "p3")
	h.run(RunOptions{})
	// p1 no longer feeds any tenant: its change neither reads nor writes
	// one.
	h.changeHome("person", "p1", "email", "erika.alt@example.com")
	h.quietRun("after the old person changed")
	// p2 feeds l1 and l2 now.
	h.changeHome("person", "p2", "email", "erika.zwei@example.com")
	sum = h.run(RunOptions{})
	if got := sum.Entity(instance.Push, "tenant").Updated; got != 2 {
		t.Errorf("the new person's change updated %d tenants; want 2 (l1 and l2)\n%s", got, summaryText(sum))
	}
	want := map[string]string{"l1": "erika.zwei@example.com", "l2": "erika.zwei@example.com", "l3": "erika3@example.com"}
	if d := cmp.Diff(want, h.tenantEmails()); d != "" {
		t.Errorf("tenant e-mails (-want +got):\n%s", d)
	}
}

func TestRunDependentListedAndIncludedChangedIsWrittenOnce(t *testing.T) {
	t.Parallel()
	h := newHarnessSpec(t, redistest.New(t), tenantEmailSpec(t, false))
	h.seedHome(newHomeData(1, 3))
	h.replaceLease("l3", "p3")
	h.run(RunOptions{})
	// l3 is listed again by every incremental read (the cursor's
	// lookback); its person's change must not read or write it twice.
	h.changeHome("person", "p3", "email", "erika.drei@example.com")
	h.home.ResetStats()
	h.partner.ResetStats()
	sum := h.run(RunOptions{})
	if got := sum.Entity(instance.Push, "tenant").Updated; got != 1 {
		t.Errorf("updated %d tenants; want 1\n%s", got, summaryText(sum))
	}
	if gets, w := h.home.Stats().ByOperation["lease.get"], h.partner.Stats().Writes(); gets != 0 || w != 1 {
		t.Errorf("the run read %d leases one by one and wrote %d records; want 0 and 1", gets, w)
	}
	if got := h.tenantEmails()["l3"]; got != "erika.drei@example.com" {
		t.Errorf("tenant l3 has e-mail %q", got)
	}
}

func TestRunIncludedFieldThePayloadDoesNotUseWritesNothing(t *testing.T) {
	t.Parallel()
	h := newHarnessSpec(t, redistest.New(t), tenantEmailSpec(t, false))
	h.seedHome(newHomeData(1, 3))
	h.replaceLease("l3", "p3")
	h.run(RunOptions{})
	// Tenants carry the person's e-mail, not the first name: l1 is mapped
	// again to the payload it has, and its index entry learns the
	// person's new version, so that later runs leave it alone.
	h.changeHome("person", "p1", "first_name", "Erna")
	h.home.ResetStats()
	h.partner.ResetStats()
	sum := h.run(RunOptions{})
	if gets, w := h.home.Stats().ByOperation["lease.get"], h.partner.Stats().Writes(); gets != 1 || w != 0 {
		t.Errorf("the run read %d leases one by one and wrote %d records; want 1 and 0\n%s", gets, w, summaryText(sum))
	}
	h.quietRun("the run after")
}

func TestPlanListsADependentOfTwoChangedIncludesOnce(t *testing.T) {
	t.Parallel()
	h := newHarnessSpec(t, redistest.New(t), tenantEmailSpec(t, false))
	h.seedHome(newHomeData(1, 3))
	h.replaceLease("l3", "p3")
	h.run(RunOptions{})
	h.changeHome("person", "p1", "email", "erika.eins@example.com")
	h.changeHome("unit", "u1", "area", json.Number("61.5"))
	plan, err := h.eng.Plan(context.Background(), h.loaded, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range plan.Records {
		if r.Direction == instance.Push && r.Entity == "tenant" {
			got = append(got, r.Key+" "+string(r.Action))
		}
	}
	if d := cmp.Diff([]string{"l1 update"}, got); d != "" {
		t.Errorf("planned push tenant records (-want +got):\n%s", d)
	}
}
