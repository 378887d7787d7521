package engine

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// TestRunOnRedisCluster runs an instance's life on a real Redis Cluster of
// three masters: stored, planned, run against a create-only partner with a
// failing record, retried from the ledger, run again with nothing to do,
// then with deletes, and its audit log queried. Every transaction and
// script of the engine must stay on one slot, or the cluster refuses it
// with CROSSSLOT. (The queue's test on a cluster covers the run history.)
func TestRunOnRedisCluster(t *testing.T) {
	t.Parallel()
	srv := redistest.NewCluster(t)
	ctx := context.Background()
	h := newHarnessOn(t, srv, "create")

	instances := instance.NewInstanceStore(h.rdb, h.ns)
	ApplyInstance(t, instances, h.inst)
	if err := instances.Disable(ctx, h.inst.ID); err != nil {
		t.Fatalf("disable: %v", err)
	}
	if err := instances.Enable(ctx, h.inst.ID); err != nil {
		t.Fatalf("enable: %v", err)
	}
	if list, err := instances.List(ctx, instance.ListFilter{}); err != nil || len(list) != 1 || !list[0].Enabled {
		t.Fatalf("list: %v, %v; want the enabled instance", list, err)
	}

	data := newHomeData(3, 4)
	broken := data.units[4]
	delete(broken, "number") // the model requires it: the unit cannot be mapped
	h.seedHome(data)

	plan, err := h.eng.Plan(ctx, h.loaded, RunOptions{})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if e := (&Summary{Entities: plan.Entities}).Entity(instance.Push, "building"); e == nil || e.Created != 3 {
		t.Errorf("plan: push building %+v; want 3 creates", e)
	}

	sum := h.run(RunOptions{})
	if sum.Status() != StatusPartial {
		t.Fatalf("first run: %s, want partial\n%s", sum.Status(), summaryText(sum))
	}
	failures, err := h.eng.Ledger(h.inst).List(ctx, store.LedgerFilter{})
	if err != nil {
		t.Fatalf("ledger: %v", err)
	}
	var got []string
	for _, f := range failures {
		got = append(got, f.Entity+" "+f.Key+" "+f.Reason.Code)
	}
	slices.Sort(got)
	if d := cmp.Diff([]string{"tenant l5 missing-reference", "unit u5 mapping"}, got); d != "" {
		t.Fatalf("ledger (-want +got):\n%s", d)
	}

	h.clock.Advance(time.Hour)
	broken["number"] = "2.1"
	put(t, h.homeURL, "/units/u5", broken)
	if sum = h.run(RunOptions{}); sum.Status() != StatusClean {
		t.Fatalf("retry run: %s\n%s", sum.Status(), summaryText(sum))
	}
	if n, err := h.eng.Ledger(h.inst).Count(ctx, store.LedgerFilter{}); err != nil || n != 0 {
		t.Errorf("ledger holds %d entries after the retry (%v); want 0", n, err)
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Fatalf("partner data (-want +got):\n%s", d)
	}

	h.partner.ResetStats()
	h.home.ResetStats()
	sum = h.run(RunOptions{Full: true})
	if w := h.partner.Stats().Writes() + h.home.Stats().Writes(); w != 0 || sum.Status() != StatusClean {
		t.Errorf("unchanged run: %s, %d writes; want clean and none\n%s", sum.Status(), w, summaryText(sum))
	}

	del(t, h.homeURL, "/leases/l12")
	sum = h.run(RunOptions{Full: true})
	if e := sum.Entity(instance.Push, "tenant"); e.Deleted != 1 {
		t.Errorf("push tenant deleted %d, want 1\n%s", e.Deleted, summaryText(sum))
	}
	page, err := h.eng.Audit(h.inst).Query(ctx, store.Query{Instance: h.inst.ID, RunID: sum.RunID})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Action != instance.Delete || page.Entries[0].Outcome != store.OutcomeOK {
		t.Errorf("audit of the delete run: %+v (%v); want one delete", page.Entries, err)
	}

	// The dependency index lost the deleted tenant's edges and kept the
	// others'.
	var dependents []string
	err = h.eng.State(h.inst).Dependents(ctx, instance.Push, "tenant", "person", []string{"p11", "p12"}, 10, func(deps []store.Dependent) error {
		for _, d := range deps {
			dependents = append(dependents, d.Included+" "+d.Key)
		}
		return nil
	})
	if err != nil || !slices.Equal(dependents, []string{"p11 l11"}) {
		t.Errorf("dependents of p11 and p12: %v (%v); want only l11", dependents, err)
	}

	// The instance's state, ledger and audit log share one slot, so that
	// a commit stays one transaction.
	slots := instanceSlots(t, srv.Client.(*redis.ClusterClient), h.inst.ID)
	if len(slots) != 1 {
		t.Errorf("the instance's keys live on %d slots: %v; want one", len(slots), slots)
	}
}

// instanceSlots lists, per hash slot, the keys on a cluster whose hash tag
// is the instance's.
func instanceSlots(t *testing.T, cc *redis.ClusterClient, instance string) map[int64][]string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var keys []string
	err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		found, err := c.Keys(ctx, "*{"+instance+"}*").Result()
		mu.Lock()
		keys = append(keys, found...)
		mu.Unlock()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatalf("no key of instance %q on the cluster", instance)
	}
	slots := map[int64][]string{}
	for _, k := range keys {
		slot, err := cc.ClusterKeySlot(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		slots[slot] = append(slots[slot], k)
	}
	return slots
}

// TestRunAfterASentinelFailover runs an instance through Sentinel against
// a create-only partner, fails the master over to its replica, and runs
// again: the state the replica took over means nothing is created twice
// and nothing unchanged is written.
func TestRunAfterASentinelFailover(t *testing.T) {
	t.Parallel()
	s := redistest.NewSentinel(t)
	h := newHarnessOn(t, s.Server, "create")
	data := newHomeData(3, 4)
	h.seedHome(data)
	if sum := h.run(RunOptions{}); sum.Status() != StatusClean {
		t.Fatalf("first run: %s\n%s", sum.Status(), summaryText(sum))
	}
	s.Failover(t)

	h.partner.ResetStats()
	sum := h.run(RunOptions{Full: true})
	if w := h.partner.Stats().Writes() + h.home.Stats().Writes(); w != 0 || sum.Status() != StatusClean {
		t.Errorf("run after the failover: %s, %d writes; want clean and none\n%s", sum.Status(), w, summaryText(sum))
	}
	h.clock.Advance(time.Hour)
	data.units[0]["number"] = "1.9"
	put(t, h.homeURL, "/units/u1", data.units[0])
	if sum = h.run(RunOptions{}); sum.Entity(instance.Push, "unit").Updated != 1 {
		t.Errorf("a change after the failover: %+v; want one unit updated\n%s", *sum.Entity(instance.Push, "unit"), summaryText(sum))
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data (-want +got):\n%s", d)
	}
}
