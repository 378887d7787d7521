package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// handEdit changes a partner unit as a user of the partner would: with
// the partner's update of the record by id, or its upsert by key.
func (h *harness) handEdit(partner, key string, change map[string]any) {
	h.t.Helper()
	h.handEditAt(partner, "unit", "/units/", key, change)
}

// handEditAt changes a partner record of entity, whose records are at
// path, as handEdit does.
func (h *harness) handEditAt(partner, entity, path, key string, change map[string]any) {
	h.t.Helper()
	rec := h.partnerRecord(entity, key)
	for k, v := range change {
		rec[k] = v
	}
	id := rec["id"]
	delete(rec, "updatedAt")
	delete(rec, "id")
	if partner == "upsert" {
		put(h.t, h.partnerURL, path+"by-key/"+key, rec)
		return
	}
	put(h.t, h.partnerURL, path+fmt.Sprint(id), rec)
}

// partnerUnit returns the partner's unit of a home key.
func (h *harness) partnerUnit(key string) map[string]any {
	h.t.Helper()
	return h.partnerRecord("unit", key)
}

// reconcile reconciles the instance and fails the test when it aborts.
func (h *harness) reconcile(opts ReconcileOptions) *Reconciliation {
	h.t.Helper()
	rec, err := h.eng.Reconcile(context.Background(), h.loaded, opts)
	if err != nil {
		h.t.Fatalf("reconcile: %v", err)
	}
	return rec
}

// driftLines describes drift for comparisons: kind, key and fields.
func driftLines(drift []*Drift) []string {
	var out []string
	for _, d := range drift {
		line := fmt.Sprintf("%s %s %s", d.Entity, d.Kind, d.Key)
		for _, f := range d.Fields {
			line += fmt.Sprintf(" %s=%v/%v", f.Field, f.Home, f.Partner)
		}
		out = append(out, line)
	}
	return out
}

func TestReconcileFindsAndRepairsHandEdits(t *testing.T) {
	t.Parallel()
	for _, partner := range []string{"create", "upsert"} {
		t.Run(partner, func(t *testing.T) {
			// A push-only instance: the home is the source of truth.
			h := newHarness(t, partner)
			delete(h.inst.Permissions, instance.Pull)
			share := 0.5
			h.inst.Options.DeleteGuard = &share
			h.reload()
			data := newHomeData(1, 4)
			h.seedHome(data)
			if sum := h.run(RunOptions{}); sum.ExitCode() != ExitClean {
				t.Fatalf("sync: %s", summaryText(sum))
			}
			if rec := h.reconcile(ReconcileOptions{}); len(rec.Drift) != 0 || rec.Summary.ExitCode() != ExitClean {
				t.Fatalf("reconcile after a sync: %q; want no drift", driftLines(rec.Drift))
			}

			// At the partner: one field edited, one record deleted, one added,
			// and an area written with another number of places (the same
			// number, no drift).
			h.handEdit(partner, "u1", map[string]any{"number": "9.9"})
			h.handEdit(partner, "u3", map[string]any{"area": json.Number("43.50")})
			del(t, h.partnerURL, "/units/"+fmt.Sprint(h.partnerUnit("u2")["id"]))
			seed(t, h.partner, "unit", []map[string]any{{"externalId": "u99", "number": "9.99", "buildingKey": "b1"}})
			h.writes.take()
			if sum := h.run(RunOptions{Full: true}); sum.Entity(instance.Push, "unit").Updated+sum.Entity(instance.Push, "unit").Created != 0 {
				t.Fatalf("a full sync noticed the hand edits: %s", summaryText(sum))
			}
			h.writes.take()

			rec := h.reconcile(ReconcileOptions{Entity: "unit"})
			want := []string{"unit differs u1 number=1.1/9.9", "unit missing u2", "unit unexpected u99"}
			if d := cmp.Diff(want, driftLines(rec.Drift)); d != "" {
				t.Fatalf("drift (-want +got):\n%s\n%s", d, summaryText(rec.Summary))
			}
			if e := rec.Summary.Entity(instance.Push, "unit"); e.Drift != 3 || e.Repaired != 0 || rec.Summary.ExitCode() != ExitPartial {
				t.Errorf("summary %+v, exit %d; want 3 drift, none repaired, partial", *e, rec.Summary.ExitCode())
			}
			if w := h.writes.take(); len(w) != 0 {
				t.Errorf("a reconciliation without repair wrote %q", w)
			}
			page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, RunID: rec.Summary.RunID, Outcome: OutcomeDrift})
			if err != nil || len(page.Entries) != 3 {
				t.Fatalf("drift audit entries: %+v (%v); want 3", page.Entries, err)
			}
			for _, e := range page.Entries {
				if got := fmt.Sprint(e.Values["fields"]); e.Key == "u1" && got != "map[number:map[home:1.1 partner:9.9]]" {
					t.Errorf("drift entry of u1: %+v; want its number with both values", e)
				}
			}

			// The repair restores the units, and then the tenant whose unit
			// was created again under a new id.
			rec = h.reconcile(ReconcileOptions{Repair: true})
			if e := rec.Summary.Entity(instance.Push, "unit"); e.Drift != 3 || e.Repaired != 3 || e.Updated != 1 || e.Created != 1 || e.Deleted != 1 || rec.Summary.ExitCode() != ExitClean {
				t.Fatalf("repair: %+v, exit %d, drift %q\n%s", *e, rec.Summary.ExitCode(), driftLines(rec.Drift), summaryText(rec.Summary))
			}
			if e := rec.Summary.Entity(instance.Push, "tenant"); e.Drift != 1 || e.Repaired != 1 || e.Updated != 1 {
				t.Errorf("repair of the tenants: %+v; want l2's unit id updated", *e)
			}
			data.units[2]["area"] = json.Number("43.50") // as the partner keeps it
			if d := cmp.Diff(expected(data), h.actual()); d != "" {
				t.Errorf("partner after the repair (-want +got):\n%s", d)
			}
			if rec := h.reconcile(ReconcileOptions{}); len(rec.Drift) != 0 || rec.Summary.ExitCode() != ExitClean {
				t.Errorf("second reconcile: %q; want nothing", driftLines(rec.Drift))
			}
			h.writes.take()
			if sum := h.run(RunOptions{Full: true}); sum.ExitCode() != ExitClean || len(h.writes.take()) != 0 {
				t.Errorf("a sync after the repair wrote again: %s", summaryText(sum))
			}
		})
	}
}

// TestReconcileComparesTheDeclaredProjection declares a compare
// projection of units that names only their key and number: a hand edit
// of the number is drift, one of the area is not compared.
func TestReconcileComparesTheDeclaredProjection(t *testing.T) {
	t.Parallel()
	spec := editedSpec(t, "partner_upsert.json", func(doc map[string]any) {
		specEntity(doc, "unit")["compare"] = map[string]any{"externalId": "{{ unit.externalId }}", "number": "{{ unit.number|upper }}"}
	})
	h := newHarnessSpec(t, redistest.New(t), spec)
	delete(h.inst.Permissions, instance.Pull)
	h.reload()
	h.seedHome(newHomeData(1, 2))
	h.run(RunOptions{})
	h.handEdit("upsert", "u1", map[string]any{"area": json.Number("99.5")})
	h.handEdit("upsert", "u2", map[string]any{"number": "x.2"})
	rec := h.reconcile(ReconcileOptions{Entity: "unit"})
	if d := cmp.Diff([]string{"unit differs u2 number=1.2/X.2"}, driftLines(rec.Drift)); d != "" {
		t.Errorf("drift (-want +got):\n%s", d)
	}
}

// TestReconcileLeavesPartnerOwnedFieldsAndMasksPersonalData edits the
// e-mail of a contact, which the partner owns and which is personal: the
// drift is reported with both values masked, and a repair leaves it.
func TestReconcileLeavesPartnerOwnedFieldsAndMasksPersonalData(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	delete(h.inst.Permissions, instance.Pull)
	h.reload()
	h.seedHome(newHomeData(1, 1))
	h.run(RunOptions{})
	h.handEditAt("upsert", "contact", "/contacts/", "p1", map[string]any{"email": "hand@example.com"})
	h.writes.take()
	rec := h.reconcile(ReconcileOptions{Entity: "contact", Repair: true})
	if d := cmp.Diff([]string{"contact differs p1 email=er***/ha***"}, driftLines(rec.Drift)); d != "" {
		t.Fatalf("drift (-want +got):\n%s", d)
	}
	if d := rec.Drift[0]; d.Repaired || d.Repair != "none" || !strings.Contains(d.Error, "partner owns") {
		t.Errorf("repair of a partner-owned field: %+v; want none, and why", *d)
	}
	if w := h.writes.take(); len(w) != 0 || rec.Summary.ExitCode() != ExitPartial {
		t.Errorf("writes %q, exit %d; want none and partial", w, rec.Summary.ExitCode())
	}
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, Outcome: OutcomeDrift})
	if err != nil || len(page.Entries) != 1 || strings.Contains(fmt.Sprint(page.Entries[0].Values), "hand@") || strings.Contains(fmt.Sprint(page.Entries[0].Values), "erika1@") {
		t.Errorf("drift audit: %+v (%v); want one entry with the e-mails masked", page.Entries, err)
	}
}

// TestReconcileFindsARecordUnderANewID deletes a unit at the partner and
// adds it again by hand under a new id: reconcile pairs it by its key
// field, reports the id the state knows as drift, and the repair writes
// the record there, so that the state knows the new id.
func TestReconcileFindsARecordUnderANewID(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	delete(h.inst.Permissions, instance.Pull)
	h.reload()
	data := newHomeData(1, 2)
	h.seedHome(data)
	h.run(RunOptions{})
	old := h.partnerUnit("u1")
	del(t, h.partnerURL, "/units/"+fmt.Sprint(old["id"]))
	seed(t, h.partner, "unit", []map[string]any{{"externalId": "u1", "number": "1.1", "area": json.Number("41.5"), "buildingKey": "b1", "buildingId": old["buildingId"]}})
	// The tenant of u1 refers to the unit's id: it drifts too.
	rec := h.reconcile(ReconcileOptions{Repair: true})
	if len(rec.Drift) != 2 || rec.Drift[0].Key != "u1" || len(rec.Drift[0].Fields) != 1 || rec.Drift[0].Fields[0].Field != "id" || !rec.Drift[0].Repaired ||
		rec.Drift[1].Key != "l1" || rec.Drift[1].Fields[0].Field != "unitId" || !rec.Drift[1].Repaired {
		t.Fatalf("drift %q; want u1's id and l1's unit id, repaired", driftLines(rec.Drift))
	}
	if rec := h.reconcile(ReconcileOptions{}); len(rec.Drift) != 0 {
		t.Errorf("second reconcile: %q; want nothing", driftLines(rec.Drift))
	}
	h.writes.take()
	if sum := h.run(RunOptions{Full: true}); sum.ExitCode() != ExitClean || len(h.writes.take()) != 0 {
		t.Errorf("a sync after the repair wrote again: %s", summaryText(sum))
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner (-want +got):\n%s", d)
	}
}

// TestReconcileGuardsDeletesOfUnexpectedRecords adds a unit at the
// partner: one of five is more than the default guard's 10%, so a repair
// deletes nothing unless told to.
func TestReconcileGuardsDeletesOfUnexpectedRecords(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	delete(h.inst.Permissions, instance.Pull)
	h.reload()
	h.seedHome(newHomeData(1, 4))
	h.run(RunOptions{})
	seed(t, h.partner, "unit", []map[string]any{{"externalId": "u99", "number": "9.99", "buildingKey": "b1"}})
	rec := h.reconcile(ReconcileOptions{Entity: "unit", Repair: true})
	if e := rec.Summary.Entity(instance.Push, "unit"); e.Drift != 1 || e.Guarded != 1 || e.Deleted != 0 || len(rec.Drift) != 1 || rec.Drift[0].Error == "" || h.partner.Count("unit") != 5 {
		t.Errorf("guarded repair: %+v, drift %+v, %d partner units; want the delete held back", *e, rec.Drift, h.partner.Count("unit"))
	}
	rec = h.reconcile(ReconcileOptions{Entity: "unit", Repair: true, DeleteOverride: true})
	if e := rec.Summary.Entity(instance.Push, "unit"); e.Deleted != 1 || e.Repaired != 1 || h.partner.Count("unit") != 4 {
		t.Errorf("repair with the guard lifted: %+v; want u99 deleted", *e)
	}
}

// TestReconcileDeletesAnUnexpectedRecordByItsKey repairs against a
// partner whose delete addresses records by their key: the unexpected
// record is deleted under the key it holds, not under its id.
func TestReconcileDeletesAnUnexpectedRecordByItsKey(t *testing.T) {
	t.Parallel()
	spec := editedSpec(t, "partner_upsert.json", func(doc map[string]any) {
		byKey := doc["paths"].(map[string]any)["/units/by-key/{externalId}"].(map[string]any)
		byKey["delete"] = map[string]any{"operationId": "deleteUnitByKey",
			"parameters": []any{map[string]any{"name": "externalId", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}},
			"responses":  map[string]any{"204": map[string]any{"description": "gone"}}}
		specEntity(doc, "unit")["delete"] = map[string]any{"operation": "deleteUnitByKey", "params": map[string]any{"externalId": "{{ key }}"}}
	})
	h := newHarnessSpec(t, redistest.New(t), spec)
	delete(h.inst.Permissions, instance.Pull)
	h.reload()
	h.seedHome(newHomeData(1, 4))
	h.run(RunOptions{})
	seed(t, h.partner, "unit", []map[string]any{{"externalId": "u99", "number": "9.99", "buildingKey": "b1"}})
	h.writes.take()
	rec := h.reconcile(ReconcileOptions{Entity: "unit", Repair: true, DeleteOverride: true})
	if e := rec.Summary.Entity(instance.Push, "unit"); e.Deleted != 1 || e.Repaired != 1 || h.partner.Count("unit") != 4 {
		t.Errorf("repair: %+v, writes %q, %d partner units; want u99 deleted", *e, h.writes.take(), h.partner.Count("unit"))
	}
	if rec := h.reconcile(ReconcileOptions{Entity: "unit"}); len(rec.Drift) != 0 {
		t.Errorf("after the repair: %q; want no drift", driftLines(rec.Drift))
	}
}
