package store

import (
	"context"
	"strings"
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

func TestStateConfirmsCreatesAndPromotesThem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{Clock: clock.NewManual(t0)})
	cs := []Confirmation{
		{Direction: instance.Push, Entity: "tenant", Key: "L-1", Hash: "h1", Pending: true},
		{Direction: instance.Push, Entity: "tenant", Key: "L-2", Hash: "h2", PartnerID: "p 2:x", Memo: "m e\x00mo"},
		{Direction: instance.Push, Entity: "unit", Key: "U-1", Hash: "h3"},
	}
	if err := st.Confirm(ctx, cs); err != nil {
		t.Fatal(err)
	}
	known, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-1", "L-2"}, LoadOptions{Intents: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []Known{{Key: "L-1", Intent: "h1"}, {Key: "L-2", Intent: "h2", PartnerID: "p 2:x", Hash: "h2", Memo: "m e\x00mo", Confirmed: true}}
	if d := cmp.Diff(want, known); d != "" {
		t.Errorf("loaded (-want +got):\n%s", d)
	}
	units, err := st.LoadWith(ctx, instance.Push, "unit", []string{"U-1"}, LoadOptions{Intents: true})
	if err != nil || units[0].PartnerID != "U-1" || !units[0].Confirmed {
		t.Errorf("a confirmation without an id: %+v, %v; want the key as the id", units, err)
	}
	if err := st.Promote(ctx, instance.Push, "tenant", known); err != nil {
		t.Fatal(err)
	}
	after, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-1", "L-2"}, LoadOptions{Intents: true})
	if err != nil {
		t.Fatal(err)
	}
	if after[0].Intent != "h1" || after[1].Intent != "" || after[1].Confirmed || after[1].PartnerID != "p 2:x" || after[1].Hash != "h2" || after[1].Memo != "m e\x00mo" {
		t.Errorf("after Promote: %+v; want L-2 written and its intent settled, L-1 left alone", after)
	}
	keys, err := st.HomeKeys(ctx, instance.Push, "tenant", []string{"p 2:x"})
	if err != nil || keys[0] != "L-2" {
		t.Errorf("reverse id of the promoted record: %v, %v", keys, err)
	}
	for _, damaged := range []string{"v1 h 9:short ", "v1 h x:id ", "v1  0: "} {
		rdb.HSet(ctx, ns.Intents("erp-everreal", "push", "tenant"), "L-9", damaged)
		if _, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-9"}, LoadOptions{Intents: true}); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("intent %q: %v; want it refused as damaged", damaged, err)
		}
	}
}

func TestStateResolvesACreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{Clock: clock.NewManual(t0)})
	if err := st.MarkIntents(ctx, instance.Push, "tenant", Intent{Key: "L-1", Hash: "h1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.ResolveCreated(ctx, instance.Push, "tenant", "L-1", "p-1"); err != nil {
		t.Fatal(err)
	}
	known, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-1"}, LoadOptions{Intents: true})
	if err != nil || known[0].PartnerID != "p-1" || known[0].Hash != ResolvedHash || known[0].Intent != "" {
		t.Errorf("after ResolveCreated: %+v, %v", known, err)
	}
	if hash, conf, err := st.IntentOf(ctx, instance.Push, "tenant", "L-1"); hash != "" || conf != nil || err != nil {
		t.Errorf("IntentOf = %q, %v, %v; want none", hash, conf, err)
	}
	if err := st.ResolveCreated(ctx, instance.Push, "tenant", "L-1", ""); err == nil {
		t.Error("a resolution without an id was stored")
	}
}
