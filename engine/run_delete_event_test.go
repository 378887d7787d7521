package engine

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// deleteEvent is the run of a webhook's delete event for one tenant.
func deleteEvent(key string) RunOptions {
	return RunOptions{Direction: instance.Push, Entity: "tenant", Keys: []string{key}, KeysDeleted: true}
}

// TestDeleteEventDeletesTheNamedRecordNow deletes a lease at home and
// syncs its delete event: exactly its tenant is deleted at the partner and
// its state goes, though one of two records is far more than the delete
// guard allows a full read. A stale event, whose record the home still
// has, deletes nothing.
func TestDeleteEventDeletesTheNamedRecordNow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	data := newHomeData(1, 2)
	h.seedHome(data)
	h.run(RunOptions{})
	h.writes.take()

	del(t, h.homeURL, "/leases/l2")
	sum := h.run(deleteEvent("l2"))
	writes := h.writes.take()
	if len(writes) != 1 || !strings.HasPrefix(writes[0], "DELETE /tenants/") {
		t.Fatalf("writes %v; want one tenant deleted", writes)
	}
	if e := sum.Entity(instance.Push, "tenant"); e.Deleted != 1 || e.Guarded != 0 || sum.Status() != StatusClean {
		t.Errorf("summary of the delete event: %+v, %s", *e, sum.Status())
	}
	data.leases = data.leases[:1]
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data (-want +got):\n%s", d)
	}
	known, err := h.eng.State(h.inst).Load(context.Background(), instance.Push, "tenant", []string{"l2"})
	if err != nil || known[0].PartnerID != "" || known[0].Hash != "" {
		t.Errorf("state of l2 after its delete: %+v (%v); want none", known, err)
	}
	if ids, err := h.eng.State(h.inst).HomeKeys(context.Background(), instance.Push, "tenant", []string{writes[0][len("DELETE /tenants/"):]}); err != nil || ids[0] != "" {
		t.Errorf("id map of the deleted tenant: %q (%v); want it gone", ids, err)
	}

	sum = h.run(deleteEvent("l1"))
	if writes := h.writes.take(); len(writes) != 0 || sum.Entity(instance.Push, "tenant").Deleted != 0 {
		t.Errorf("a stale delete event wrote %v; want nothing, l1 is still at home", writes)
	}
}

// TestDeleteEventNeedsThePermission syncs a delete event for an instance
// not granted push tenant delete: nothing is deleted, the delete is
// counted and audited as denied and the state keeps the record.
func TestDeleteEventNeedsThePermission(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	h.seedHome(newHomeData(1, 2))
	h.run(RunOptions{})
	h.writes.take()
	h.inst.Permissions[instance.Push]["tenant"] = []instance.Action{instance.Create, instance.Update}
	h.reload()

	del(t, h.homeURL, "/leases/l2")
	sum := h.run(deleteEvent("l2"))
	if writes := h.writes.take(); len(writes) != 0 {
		t.Fatalf("writes %v; want none", writes)
	}
	if e := sum.Entity(instance.Push, "tenant"); e.Denied != 1 || e.Deleted != 0 {
		t.Errorf("summary: %+v; want one denied delete", *e)
	}
	known, err := h.eng.State(h.inst).Load(context.Background(), instance.Push, "tenant", []string{"l2"})
	if err != nil || known[0].PartnerID == "" {
		t.Errorf("state of l2: %+v (%v); want it kept", known, err)
	}
	page, err := h.eng.Audit(h.inst).Query(context.Background(), store.Query{Instance: h.inst.ID, RunID: sum.RunID})
	if err != nil || !slices.ContainsFunc(page.Entries, func(e store.Entry) bool {
		return e.Key == "l2" && e.Action == instance.Delete && e.Outcome == store.OutcomeDenied
	}) {
		t.Errorf("audit: %+v (%v); want l2's delete denied", page.Entries, err)
	}
}
