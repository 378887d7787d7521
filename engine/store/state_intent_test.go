package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
)

func TestStateIntentsMarkLoadAndSettle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{Clock: clock.NewManual(t0)})
	if err := st.Commit(ctx, Batch{Direction: instance.Pull, Entity: "tenant", Written: []Written{{Key: "L-3", Hash: "h3", Echo: "e3"}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkIntents(ctx, instance.Push, "tenant", Intent{Key: "L-1", Hash: "h1"}, Intent{Key: "L-2", Hash: "h2"}); err != nil {
		t.Fatal(err)
	}
	load := func() []string {
		t.Helper()
		known, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-1", "L-2", "L-3"}, LoadOptions{Echoes: true, Intents: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, k := range known {
			out = append(out, k.Key+" intent="+k.Intent+" echo="+k.Echo)
		}
		return out
	}
	want := []string{"L-1 intent=h1 echo=", "L-2 intent=h2 echo=", "L-3 intent= echo=e3"}
	if d := cmp.Diff(want, load()); d != "" {
		t.Errorf("before settling (-want +got):\n%s", d)
	}
	if known, err := st.Load(ctx, instance.Push, "tenant", []string{"L-1"}); err != nil || known[0].Intent != "" {
		t.Errorf("Load read intents: %+v, %v", known, err)
	}
	if err := st.Settle(ctx, instance.Push, "tenant", []string{"L-1"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Settle(ctx, instance.Pull, "tenant", nil, []string{"L-3"}); err != nil {
		t.Fatal(err)
	}
	want = []string{"L-1 intent= echo=", "L-2 intent=h2 echo=", "L-3 intent= echo="}
	if d := cmp.Diff(want, load()); d != "" {
		t.Errorf("after settling (-want +got):\n%s", d)
	}
	if err := st.MarkIntents(ctx, instance.Push, "tenant", Intent{Hash: "h"}); err == nil {
		t.Error("an intent without a key was recorded")
	}
}

func TestStateRefusesIntentsOfAnUnknownFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{Clock: clock.NewManual(t0)})
	if err := st.MarkIntents(ctx, instance.Push, "tenant", Intent{Key: "L-1", Hash: "h1"}); err != nil {
		t.Fatal(err)
	}
	key := ns.Intents("erp-everreal", "push", "tenant")
	for value, found := range map[string]string{"h2": "", "v2 h2": "v2"} {
		if err := rdb.HSet(ctx, key, "L-2", value).Err(); err != nil {
			t.Fatal(err)
		}
		_, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-1", "L-2"}, LoadOptions{Intents: true})
		checkFormatError(t, err, `create intent of instance "erp-everreal", push tenant "L-2"`, found, key, `"v1"`)
		if known, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-1", "L-2"}, LoadOptions{}); err != nil || len(known) != 2 {
			t.Errorf("LoadWith without intents over an intent of format %q: %v, %v", value, known, err)
		}
	}
}
