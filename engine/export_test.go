package engine

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// The tests that run the engine from the queue import engine/queue, which
// imports engine, so they are external tests (package engine_test). These
// names lend them the run harness.

// QueueHarness is the run harness with seeded home data, for external
// tests.
type QueueHarness struct {
	h    *harness
	data homeData
}

// NewQueueHarness starts the mock systems on srv, builds the instance with
// the partner spec "create" or "upsert" and seeds nb buildings with upb
// units each.
func NewQueueHarness(t testing.TB, srv *redistest.Server, partner string, nb, upb int) *QueueHarness {
	t.Helper()
	q := &QueueHarness{h: newHarnessOn(t, srv, partner), data: newHomeData(nb, upb)}
	q.h.seedHome(q.data)
	return q
}

// Engine is the harness's engine.
func (q *QueueHarness) Engine() *Engine { return q.h.eng }

// Instance is the harness's instance.
func (q *QueueHarness) Instance() *instance.Instance { return q.h.inst }

// Redis is the harness's Redis client and namespace.
func (q *QueueHarness) Redis() (redis.UniversalClient, keys.Namespace) { return q.h.rdb, q.h.ns }

// Advance moves the clock of the engine and the mock systems.
func (q *QueueHarness) Advance(d time.Duration) { q.h.clock.Advance(d) }

// SetUnitArea changes the area of the i-th unit at home.
func (q *QueueHarness) SetUnitArea(t testing.TB, i int, area string) {
	t.Helper()
	u := q.data.units[i]
	u["area"] = json.Number(area)
	put(t, q.h.homeURL, "/units/"+u["id"].(string), u)
}

// EditPartnerUnit changes a unit at an "upsert" partner by hand, as a
// user of the partner would.
func (q *QueueHarness) EditPartnerUnit(key string, change map[string]any) {
	q.h.handEdit("upsert", key, change)
}

// PartnerDiff compares what the partner holds with the home data: empty
// when they agree.
func (q *QueueHarness) PartnerDiff() string {
	return cmp.Diff(expected(q.data), q.h.actual())
}

// PartnerRecords returns what the partner holds of entity.
func (q *QueueHarness) PartnerRecords(entity string) []map[string]any {
	return q.h.partner.Records(entity)
}

// ApplyInstance stores inst in store with the content of its documents,
// read from disk now, as `specsync instances apply` does.
func ApplyInstance(t testing.TB, store *instance.InstanceStore, inst *instance.Instance) instance.Change {
	t.Helper()
	files, found := instance.Capture(inst, specs.LoadOptions{})
	if found.HasErrors() {
		t.Fatalf("instance %s: %v", inst.ID, found)
	}
	change, err := store.Apply(context.Background(), inst, files)
	if err != nil {
		t.Fatalf("apply %s: %v", inst.ID, err)
	}
	return change
}

// DeleteLease deletes a lease at home.
func (q *QueueHarness) DeleteLease(t testing.TB, id string) {
	t.Helper()
	del(t, q.h.homeURL, "/leases/"+id)
}

// DropLease drops a lease from the data the partner must hold.
func (q *QueueHarness) DropLease(id string) {
	q.data.leases = slices.DeleteFunc(q.data.leases, func(l map[string]any) bool { return l["id"] == id })
}

// SetLeaseRent changes the rent of the i-th lease at home and in the
// data the partner must hold. The home's API cannot update a lease, so
// it is deleted and stored again with the new rent.
func (q *QueueHarness) SetLeaseRent(t testing.TB, i int, rent string) {
	t.Helper()
	l := q.data.leases[i]
	l["rent"] = rent
	del(t, q.h.homeURL, "/leases/"+l["id"].(string))
	seed(t, q.h.home, "lease", []map[string]any{l})
}

// PartnerWrites returns the partner's write requests since the last call
// ("PUT /tenants/l1").
func (q *QueueHarness) PartnerWrites() []string { return q.h.writes.take() }
