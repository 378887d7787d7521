package engine

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// patchSpec writes a copy of the run test document name whose schema
// requires nothing (the update of a partner that takes partial bodies,
// as a PATCH does), changed further by edit, and returns its path.
func patchSpec(t *testing.T, name, schema string, edit func(doc map[string]any)) string {
	t.Helper()
	return editedSpec(t, name, func(doc map[string]any) {
		delete(doc["components"].(map[string]any)["schemas"].(map[string]any)[schema].(map[string]any), "required")
		if edit != nil {
			edit(doc)
		}
	})
}

// ownershipHarness is an instance whose partner contacts are owned by
// entity, with fields owned as given in the spec's `fields`, between
// systems whose person and contact updates take partial bodies.
func ownershipHarness(t *testing.T, entity string, fields map[string]any) *harness {
	t.Helper()
	partner := patchSpec(t, "partner_create.json", "Contact", func(doc map[string]any) {
		contact := doc["x-sync"].(map[string]any)["entities"].(map[string]any)["contact"].(map[string]any)
		contact["sourceOfTruth"] = entity
		if fields != nil {
			contact["fields"] = fields
		}
	})
	return newHarnessSpecs(t, redistest.New(t), patchSpec(t, "home.json", "Person", nil), partner)
}

// editHome changes a home person as a user of the home system would.
func (h *harness) editHome(key string, change map[string]any) {
	h.t.Helper()
	p := h.homeRecord("person", key)
	for k, v := range change {
		p[k] = v
	}
	delete(p, "updatedAt")
	put(h.t, h.homeURL, "/persons/"+key, p)
}

// editPartner changes a partner contact as a user of the partner would.
func (h *harness) editPartner(key string, change map[string]any) {
	h.t.Helper()
	c := h.partnerRecord("contact", key)
	body := map[string]any{}
	for _, k := range []string{"externalId", "firstName", "lastName", "email"} {
		if v, ok := c[k]; ok {
			body[k] = v
		}
	}
	for k, v := range change {
		body[k] = v
	}
	put(h.t, h.partnerURL, "/contacts/"+c["id"].(string), body)
}

// conflicts returns the conflict entries a run audited for an entity.
func (h *harness) conflicts(sum *Summary, entity string) []store.Entry {
	h.t.Helper()
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, RunID: sum.RunID, Entity: entity})
	if err != nil {
		h.t.Fatal(err)
	}
	var out []store.Entry
	for _, e := range page.Entries {
		if e.Outcome == OutcomeConflict {
			out = append(out, e)
		}
	}
	return out
}

// quiet fails the test when a run writes anything.
func (h *harness) quiet(what string) {
	h.t.Helper()
	h.home.ResetStats()
	h.partner.ResetStats()
	sum := h.run(RunOptions{})
	if w := h.home.Stats().Writes() + h.partner.Stats().Writes(); w != 0 {
		h.t.Errorf("%s: a further run wrote %d records\n%s", what, w, summaryText(sum))
	}
}

// TestRunPushLeavesPartnerOwnedFields: contacts are the home's, but the
// partner owns their e-mail. A create sends it; an update never does, so
// the partner's own edit survives; a home edit of the e-mail is a
// conflict, audited with the field's name, and the partner's value comes
// home.
func TestRunPushLeavesPartnerOwnedFields(t *testing.T) {
	t.Parallel()
	h := ownershipHarness(t, "home", map[string]any{"email": map[string]any{"sourceOfTruth": "partner"}})
	h.seedHome(newHomeData(1, 2))
	h.run(RunOptions{})
	if got := h.partnerRecord("contact", "p1")["email"]; got != "erika1@example.com" {
		t.Fatalf("created contact's email %v; want the home's, sent with the create", got)
	}
	h.quiet("after the first run")

	// The tenant edits the e-mail in the partner's portal, and the home
	// changes the last name: the update carries the name, not the e-mail.
	h.editPartner("p1", map[string]any{"email": "portal@example.com"})
	h.editHome("p1", map[string]any{"last_name": "Neumann"})
	h.writes.take()
	sum := h.run(RunOptions{})
	bodies := h.writes.takeBodies()
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"lastName":"Neumann"`) || strings.Contains(bodies[0], "email") {
		t.Errorf("partner writes %q; want one update with the new last name and no email\n%s", bodies, summaryText(sum))
	}
	c := h.partnerRecord("contact", "p1")
	if c["email"] != "portal@example.com" || c["lastName"] != "Neumann" {
		t.Errorf("partner contact %v; want the portal's email and the home's last name", c)
	}
	if got := h.homeRecord("person", "p1")["email"]; got != "portal@example.com" {
		t.Errorf("home email %v; want the partner's, pulled home", got)
	}
	if n := len(h.conflicts(sum, "contact")); n != 0 {
		t.Errorf("%d conflicts audited; a change the owner made is none", n)
	}
	h.quiet("after the partner's e-mail came home")

	// The home changes the e-mail the partner owns: nothing is sent, the
	// conflict is audited with the field, and the partner's value wins.
	h.editHome("p2", map[string]any{"email": "home-side@example.com"})
	sum = h.run(RunOptions{})
	if w := h.writes.take(); len(w) != 0 {
		t.Errorf("partner writes %v; want none for a change of a partner-owned field", w)
	}
	cs := h.conflicts(sum, "contact")
	if len(cs) != 1 || cs[0].Key != "p2" || cs[0].Direction != instance.Push || !strings.Contains(cs[0].Error, "email") || len(cs[0].Values) != 1 || cs[0].Values["email"] == nil {
		t.Errorf("conflicts audited: %+v; want one on push p2 naming email", cs)
	}
	if e := sum.Entity(instance.Push, "contact"); e.Conflicts != 1 || e.Updated != 0 {
		t.Errorf("push contact: %+v; want one conflict, nothing updated", *e)
	}
	if got := h.homeRecord("person", "p2")["email"]; got != "erika2@example.com" {
		t.Errorf("home email %v; want the partner's value written back", got)
	}
	h.quiet("after the conflict")
}

// TestRunPullLeavesHomeOwnedFields: contacts are the partner's, but the
// home owns their e-mail. A pull writes the partner's changes home
// without the e-mail; a partner edit of the e-mail is a conflict, and the
// home's value is written back to the partner.
func TestRunPullLeavesHomeOwnedFields(t *testing.T) {
	t.Parallel()
	h := ownershipHarness(t, "partner", map[string]any{"email": map[string]any{"sourceOfTruth": "home"}})
	h.seedHome(newHomeData(1, 2))
	h.run(RunOptions{})
	h.quiet("after the first run")

	// The partner changes the last name and the e-mail: the name comes
	// home, the e-mail is a conflict and stays the home's.
	h.editPartner("p1", map[string]any{"lastName": "Neumann", "email": "portal@example.com"})
	h.home.ResetStats()
	sum := h.run(RunOptions{})
	p := h.homeRecord("person", "p1")
	if p["last_name"] != "Neumann" || p["email"] != "erika1@example.com" || h.home.Stats().Updates != 1 {
		t.Errorf("home person %v, %d updates; want one update with the partner's last name and the home's email", p, h.home.Stats().Updates)
	}
	cs := h.conflicts(sum, "contact")
	if len(cs) != 1 || cs[0].Key != "p1" || cs[0].Direction != instance.Pull || !strings.Contains(cs[0].Error, "email") || len(cs[0].Values) != 1 {
		t.Errorf("conflicts audited: %+v; want one on pull p1 naming email", cs)
	}
	if e := sum.Entity(instance.Pull, "contact"); e.Updated != 1 || e.Conflicts != 1 {
		t.Errorf("pull contact: %+v; want one update that is also a conflict", *e)
	}

	// The next push writes the home's e-mail back, and only it.
	h.writes.take()
	h.run(RunOptions{})
	bodies := h.writes.takeBodies()
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"email":"erika1@example.com"`) || strings.Contains(bodies[0], "lastName") {
		t.Errorf("partner writes %q; want one update with the home's email only", bodies)
	}
	if got := h.partnerRecord("contact", "p1"); got["email"] != "erika1@example.com" || got["lastName"] != "Neumann" {
		t.Errorf("partner contact %v; want the home's email and the partner's last name", got)
	}
	h.quiet("after the home's e-mail went back")

	// A partner edit of the e-mail alone writes nothing home.
	h.editPartner("p2", map[string]any{"email": "portal2@example.com"})
	h.home.ResetStats()
	sum = h.run(RunOptions{})
	if w := h.home.Stats().Writes(); w != 0 || len(h.conflicts(sum, "contact")) != 1 {
		t.Errorf("home writes %d, conflicts %+v; want none written and one conflict", w, h.conflicts(sum, "contact"))
	}
	h.run(RunOptions{})
	if got := h.partnerRecord("contact", "p2")["email"]; got != "erika2@example.com" {
		t.Errorf("partner email %v; want the home's written back", got)
	}
	h.quiet("after the second conflict")
}

// TestRunFieldOwnershipOfTheInstance: an instance's fieldSourceOfTruth
// gives a field to the partner as the spec's `fields` do; one naming a
// field the entity does not have is refused with its place.
func TestRunFieldOwnershipOfTheInstance(t *testing.T) {
	t.Parallel()
	h := ownershipHarness(t, "home", nil)
	h.inst.FieldSourceOfTruth = map[string]map[string]specs.Side{"contact": {"emial": specs.SidePartner}}
	if _, fs := Capture(h.inst); !fs.HasErrors() || !slices.ContainsFunc(fs, func(f specs.Finding) bool {
		return f.Code == specs.CodeUnknownWriteField && f.Pointer == "/fieldSourceOfTruth/contact/emial" && strings.Contains(f.Hint, `"email"`)
	}) {
		t.Fatalf("apply with an unknown owned field: %v; want it refused at /fieldSourceOfTruth/contact/emial", fs)
	}

	h.inst.FieldSourceOfTruth = map[string]map[string]specs.Side{"contact": {"email": specs.SidePartner}}
	h.reload()
	h.seedHome(newHomeData(1, 1))
	h.run(RunOptions{})
	h.editHome("p1", map[string]any{"email": "home-side@example.com", "first_name": "Erica"})
	h.writes.take()
	sum := h.run(RunOptions{})
	bodies := h.writes.takeBodies()
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"firstName":"Erica"`) || strings.Contains(bodies[0], "email") {
		t.Errorf("partner writes %q; want one update with the first name and no email", bodies)
	}
	if cs := h.conflicts(sum, "contact"); len(cs) != 1 || !strings.Contains(cs[0].Error, "email") {
		t.Errorf("conflicts audited: %+v; want one naming email", cs)
	}
	if e := sum.Entity(instance.Push, "contact"); e.Updated != 1 || e.Conflicts != 1 {
		t.Errorf("push contact: %+v; want one update that is also a conflict", *e)
	}
	if got := h.homeRecord("person", "p1")["email"]; got != "erika1@example.com" {
		t.Errorf("home email %v; want the partner's written back", got)
	}
	h.quiet("after the conflict")
}
