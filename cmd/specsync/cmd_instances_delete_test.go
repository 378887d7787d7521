package main

import (
	"context"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// TestInstancesDelete: delete removes the instance and its schedule and
// keeps its state, which applying it again resumes; --erase-state also
// removes every key of the instance, and no other instance's.
func TestInstancesDelete(t *testing.T) {
	r := redistest.New(t)
	ctx := context.Background()
	ns := keys.New(r.Prefix)
	scheds := queue.NewSchedules(queue.ScheduleConfig{Store: instance.NewInstanceStore(r.Client, ns)})
	scheduled := func(id string) bool {
		t.Helper()
		configs, err := scheds.GetConfigs()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range configs {
			if strings.Contains(string(c.Task.Payload()), `"`+id+`"`) {
				return true
			}
		}
		return false
	}
	for _, id := range []string{"del-test", "other"} {
		applyTestInstance(t, r, id)
		writeAuditEntry(t, r, id)
		if err := r.Client.LPush(ctx, ns.Runs(id), "{}").Err(); err != nil {
			t.Fatal(err)
		}
	}
	if !scheduled("del-test") {
		t.Fatal("the applied instance is not scheduled")
	}
	expect := cliExpect(t, r)
	expect(0, "del-test deleted; its state", "instances", "delete", "del-test")
	if scheduled("del-test") || !scheduled("other") {
		t.Errorf("after delete: del-test scheduled %t, other scheduled %t", scheduled("del-test"), scheduled("other"))
	}
	expect(2, `no instance "del-test" is stored`, "instances", "show", "del-test")
	if n := auditEntries(t, r, "del-test"); n != 1 {
		t.Errorf("delete without --erase-state left %d audit entries, want 1", n)
	}

	applyTestInstance(t, r, "del-test")
	expect(0, "del-test deleted with its state", "instances", "delete", "del-test", "--erase-state")
	if n := auditEntries(t, r, "del-test"); n != 0 {
		t.Errorf("--erase-state left %d audit entries", n)
	}
	for _, key := range []string{ns.Runs("del-test")} {
		if n, _ := r.Client.Exists(ctx, key).Result(); n != 0 {
			t.Errorf("--erase-state left %s", key)
		}
	}
	left, err := r.Client.Keys(ctx, ns.InstancePattern("del-test")).Result()
	if err != nil || len(left) != 0 {
		t.Errorf("--erase-state left %v (%v)", left, err)
	}
	if n := auditEntries(t, r, "other"); n != 1 || !scheduled("other") {
		t.Errorf("the other instance lost its audit log (%d entries) or its schedule", n)
	}
	if n, _ := r.Client.Exists(ctx, ns.Runs("other")).Result(); n != 1 {
		t.Error("the other instance lost its run history")
	}
	expect(2, `no instance "del-test" is stored`, "instances", "delete", "del-test")
}

// auditEntries counts the audit entries of the instance id.
func auditEntries(t *testing.T, r *redistest.Server, id string) int {
	t.Helper()
	page, err := store.NewAudit(r.Client, keys.New(r.Prefix), store.AuditConfig{}).Query(context.Background(), store.Query{Instance: id})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Entries)
}
