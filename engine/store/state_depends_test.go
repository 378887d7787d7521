package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
)

// dependentsOf lists the dependents of included records of model, read
// in batches of batch.
func dependentsOf(t *testing.T, st *State, model string, batch int, included ...string) []Dependent {
	t.Helper()
	var out []Dependent
	err := st.Dependents(context.Background(), instance.Push, "tenant", model, included, batch, func(page []Dependent) error {
		if len(page) > batch {
			t.Errorf("a batch of %d dependents; want at most %d", len(page), batch)
		}
		out = append(out, page...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b Dependent) int { return strings.Compare(a.Included+"\x00"+a.Key, b.Included+"\x00"+b.Key) })
	return out
}

func TestDependencyIndexFollowsCommits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp", StateConfig{})
	commit := func(b Batch) {
		t.Helper()
		b.Direction, b.Entity = instance.Push, "tenant"
		if err := st.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	dep := func(key, person, hash string) Depends {
		return Depends{Key: key, Includes: []Include{{Model: "person", Key: person, Hash: hash}, {Model: "unit", Key: "u-" + key, Hash: "uh"}}}
	}
	commit(Batch{Written: []Written{{Key: "L-1", Hash: "a"}, {Key: "L-2", Hash: "b"}, {Key: "L-3", Hash: "c"}},
		Depends: []Depends{dep("L-1", "P-1", "h1"), dep("L-2", "P-1", "h1"), dep("L-3", "P-2", "h2")}})
	want := []Dependent{{Key: "L-1", Included: "P-1", Hash: "h1"}, {Key: "L-2", Included: "P-1", Hash: "h1"}}
	if d := cmp.Diff(want, dependentsOf(t, st, "person", 10, "P-1", "P-9")); d != "" {
		t.Errorf("dependents of P-1 (-want +got):\n%s", d)
	}

	// L-2 now includes P-2: its edge to P-1 goes; L-3's hash of P-2 is
	// renewed; L-1 is deleted.
	commit(Batch{Written: []Written{{Key: "L-2", Hash: "b2"}}, Renewed: []Written{{Key: "L-3", Hash: "c"}},
		Depends: []Depends{dep("L-2", "P-2", "h2new"), dep("L-3", "P-2", "h2new")}, Deleted: []Deleted{{Key: "L-1"}}})
	if got := dependentsOf(t, st, "person", 10, "P-1"); len(got) != 0 {
		t.Errorf("P-1 still has dependents %v; want none after L-2 moved and L-1 was deleted", got)
	}
	want = []Dependent{{Key: "L-2", Included: "P-2", Hash: "h2new"}, {Key: "L-3", Included: "P-2", Hash: "h2new"}}
	if d := cmp.Diff(want, dependentsOf(t, st, "person", 10, "P-2")); d != "" {
		t.Errorf("dependents of P-2 (-want +got):\n%s", d)
	}
	if got := dependentsOf(t, st, "unit", 10, "u-L-1"); len(got) != 0 {
		t.Errorf("the deleted L-1 is still a dependent of its unit: %v", got)
	}
	// Nothing is left of a record whose includes are gone.
	commit(Batch{Written: []Written{{Key: "L-2", Hash: "b3"}, {Key: "L-3", Hash: "c3"}}, Depends: []Depends{{Key: "L-2"}, {Key: "L-3"}}})
	n, err := rdb.Exists(ctx, ns.Includes("erp", "push", "tenant"), ns.Dependents("erp", "push", "tenant", "person"), ns.Dependents("erp", "push", "tenant", "unit")).Result()
	if err != nil || n != 0 {
		t.Errorf("%d keys of the dependency index are left (%v); want none", n, err)
	}
}

func TestDependentsComeInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp", StateConfig{})
	var b Batch
	b.Direction, b.Entity = instance.Push, "tenant"
	var want []Dependent
	for i := range 25 {
		key := fmt.Sprintf("L-%02d", i)
		b.Written = append(b.Written, Written{Key: key, Hash: "x"})
		// Keys that share a prefix must not mix: P-1 is no P-10.
		person := []string{"P-1", "P-10"}[i%2]
		b.Depends = append(b.Depends, Depends{Key: key, Includes: []Include{{Model: "person", Key: person, Hash: "h"}}})
		if person == "P-1" {
			want = append(want, Dependent{Key: key, Included: person, Hash: "h"})
		}
	}
	if err := st.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, dependentsOf(t, st, "person", 4, "P-1")); d != "" {
		t.Errorf("dependents of P-1 in batches of 4 (-want +got):\n%s", d)
	}
}

func TestDependencyIndexRefusesAnUnknownFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp", StateConfig{})
	if err := rdb.HSet(ctx, ns.Includes("erp", "push", "tenant"), "L-1", "v0 3:old").Err(); err != nil {
		t.Fatal(err)
	}
	err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Written: []Written{{Key: "L-1", Hash: "a"}},
		Depends: []Depends{{Key: "L-1", Includes: []Include{{Model: "person", Key: "P-1", Hash: "h"}}}}})
	checkFormatError(t, err, `dependency index of instance "erp", push tenant "L-1"`, "v0", "remove the instance's state")
}
