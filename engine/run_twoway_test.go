package engine

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// partnerRecord returns the partner's record of an entity by home key.
func (h *harness) partnerRecord(entity, key string) map[string]any {
	for _, r := range h.partner.Records(entity) {
		if r["externalId"] == key {
			return r
		}
	}
	h.t.Fatalf("the partner has no %s %q", entity, key)
	return nil
}

// homeRecord returns the home's record of an entity by key.
func (h *harness) homeRecord(entity, key string) map[string]any {
	for _, r := range h.home.Records(entity) {
		if r["id"] == key {
			return r
		}
	}
	h.t.Fatalf("the home system has no %s %q", entity, key)
	return nil
}

func TestRunTwoWayEchoAndConflicts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	data := newHomeData(2, 2)
	h.seedHome(data)
	h.run(RunOptions{})

	// The partner owns contacts: its change comes home, and does not go
	// back out as a change of the home record.
	c := h.partnerRecord("contact", "p1")
	c["email"] = "new@example.com"
	put(t, h.partnerURL, "/contacts/"+c["id"].(string), map[string]any{"externalId": "p1", "lastName": c["lastName"], "email": "new@example.com"})
	h.home.ResetStats()
	sum := h.run(RunOptions{})
	if e := sum.Entity(instance.Pull, "contact"); e.Updated != 1 || h.home.Stats().Updates != 1 {
		t.Fatalf("pull contact: %+v; want the partner's change written home\n%s", *e, summaryText(sum))
	}
	if got := h.homeRecord("person", "p1")["email"]; got != "new@example.com" {
		t.Errorf("home email %v, want the partner's", got)
	}
	h.partner.ResetStats()
	sum = h.run(RunOptions{})
	if w := h.partner.Stats().Writes(); w != 0 {
		t.Errorf("the pulled change was pushed back: %d partner writes\n%s", w, summaryText(sum))
	}

	// The home owns units: a change on the partner is a conflict, not
	// written home, and the home's value is written back next run.
	u := h.partnerRecord("unit", "u2")
	put(t, h.partnerURL, "/units/"+u["id"].(string), map[string]any{"externalId": "u2", "buildingId": u["buildingId"], "buildingKey": "b1", "number": "changed"})
	h.home.ResetStats()
	sum = h.run(RunOptions{})
	if e := sum.Entity(instance.Pull, "unit"); e.Conflicts != 1 || e.Updated != 0 || h.home.Stats().Writes() != 0 {
		t.Errorf("pull unit: %+v, home writes %d; want one conflict and nothing written home\n%s", *e, h.home.Stats().Writes(), summaryText(sum))
	}
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, RunID: sum.RunID, Entity: "unit"})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Outcome != OutcomeConflict || page.Entries[0].Key != "u2" {
		t.Errorf("audit: %+v (%v); want one conflict on u2", page.Entries, err)
	}
	sum = h.run(RunOptions{})
	if e := sum.Entity(instance.Push, "unit"); e.Updated != 1 {
		t.Errorf("push unit after the conflict: %+v; want the home's value written again", *e)
	}
	if got := h.partnerRecord("unit", "u2")["number"]; got != "1.2" {
		t.Errorf("partner unit number %v, want the home's 1.2", got)
	}

	// A home change of a partner-owned contact is a conflict on push;
	// the pull of the same run restores the partner's value at home.
	p := h.homeRecord("person", "p2")
	p["email"] = "home-side@example.com"
	delete(p, "updatedAt")
	put(t, h.homeURL, "/persons/p2", p)
	h.partner.ResetStats()
	sum = h.run(RunOptions{})
	if e := sum.Entity(instance.Push, "contact"); e.Conflicts != 1 || h.partner.Stats().Writes() != 0 {
		t.Errorf("push contact: %+v; want a conflict and no partner write\n%s", *e, summaryText(sum))
	}
	if got := h.homeRecord("person", "p2")["email"]; got != "erika2@example.com" {
		t.Errorf("home email %v; want the partner's value restored", got)
	}
	sum = h.run(RunOptions{})
	for _, e := range sum.Entities {
		if e.Created+e.Updated+e.Deleted+e.Conflicts != 0 {
			t.Errorf("a further run still changes %s %s: %+v", e.Direction, e.Entity, *e)
		}
	}
}

func TestRunPartnerBornRecordComesHomeOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	h.seedHome(newHomeData(1, 1))
	h.run(RunOptions{})
	seed(t, h.partner, "contact", []map[string]any{{"firstName": "Neu", "lastName": "Kontakt", "email": "neu@example.com"}})
	sum := h.run(RunOptions{})
	if e := sum.Entity(instance.Pull, "contact"); e.Created != 1 {
		fs, _ := h.eng.Ledger(h.inst).List(context.Background(), store.LedgerFilter{})
		t.Fatalf("pull contact: %+v; want the partner's new contact created at home\n%s\n%+v", *e, summaryText(sum), fs)
	}
	h.home.ResetStats()
	h.partner.ResetStats()
	sum = h.run(RunOptions{})
	if w := h.home.Stats().Writes() + h.partner.Stats().Writes(); w != 0 {
		t.Errorf("a further run wrote %d records\n%s", w, summaryText(sum))
	}
	if n := len(h.home.Records("person")); n != 2 {
		t.Errorf("home has %d persons, want 2", n)
	}
	if d := cmp.Diff(2, len(h.partner.Records("contact"))); d != "" {
		t.Errorf("partner contacts (-want +got):\n%s", d)
	}
}

// keylessPartnerSpec is partner_create.json whose contacts do not keep
// the home key (the write mapping leaves the key field out, which
// validation warns about): records pushed there can only be told by the
// partner id.
func keylessPartnerSpec(t *testing.T) string {
	t.Helper()
	return editedSpec(t, "partner_create.json", func(doc map[string]any) {
		contact := specEntity(doc, "contact")
		delete(contact, "lookup")
		delete(contact["write"].(map[string]any), "externalId")
		delete(contact["read"].(map[string]any), "id")
	})
}

// TestRunPushedRecordsOfAKeylessPartnerStayOne: a contact pushed to a
// partner that does not keep the home key comes back on pull as the same
// person, found by its partner id, not as a new one.
func TestRunPushedRecordsOfAKeylessPartnerStayOne(t *testing.T) {
	t.Parallel()
	h := newHarnessSpec(t, redistest.New(t), keylessPartnerSpec(t))
	h.seedHome(newHomeData(1, 2))
	for range 3 {
		h.run(RunOptions{})
	}
	if n := len(h.home.Records("person")); n != 2 {
		t.Errorf("home has %d persons after three runs, want the 2 it started with", n)
	}
	if n := len(h.partner.Records("contact")); n != 2 {
		t.Errorf("partner has %d contacts after three runs, want 2", n)
	}
	h.home.ResetStats()
	h.partner.ResetStats()
	if sum := h.run(RunOptions{}); h.home.Stats().Writes()+h.partner.Stats().Writes() != 0 {
		t.Errorf("a further run wrote records\n%s", summaryText(sum))
	}
}
