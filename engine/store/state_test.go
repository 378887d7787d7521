package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
)

var t0 = time.Date(2025, 3, 1, 23, 0, 0, 0, time.UTC)

func TestStateCommitAndLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	clock := clock.NewManual(t0)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{Clock: clock})
	at := time.Date(2025, 3, 1, 22, 15, 0, 0, time.FixedZone("CET", 3600))
	err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Written: []Written{
		{Key: "L-1", PartnerID: "p-1", Hash: "h1", Echo: "e1", At: at},
		{Key: "L-2", Hash: "h2"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Load(ctx, instance.Push, "tenant", []string{"L-2", "L-3", "L-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Known{
		{Key: "L-2", PartnerID: "L-2", Hash: "h2", WrittenAt: t0},
		{Key: "L-3"},
		{Key: "L-1", PartnerID: "p-1", Hash: "h1", WrittenAt: at.UTC()},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Load (-want +got):\n%s", d)
	}
	hashes, err := st.LoadHashes(ctx, instance.Push, "tenant", []string{"L-1", "L-3", "L-2"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"h1", "", "h2"}, hashes); d != "" {
		t.Errorf("LoadHashes (-want +got):\n%s", d)
	}
	other, err := st.Load(ctx, instance.Pull, "tenant", []string{"L-1"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Known{{Key: "L-1", Echo: "e1"}}, other); d != "" {
		t.Errorf("pull of the same entity sees only the push's echo (-want +got):\n%s", d)
	}
	for _, c := range []struct {
		dir    instance.Direction
		entity string
		want   bool
	}{{instance.Pull, "tenant", true}, {instance.Push, "tenant", false}, {instance.Pull, "unit", false}} {
		if got, err := st.HasEchoes(ctx, c.dir, c.entity); err != nil || got != c.want {
			t.Errorf("HasEchoes(%s, %s) = %v, %v; want %v", c.dir, c.entity, got, err, c.want)
		}
	}
}

func TestStateKeepsMemosWithTheirHashes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{Clock: clock.NewManual(t0)})
	memo := "in put\x00 \xff with spaces"
	at := t0.Add(-time.Hour)
	err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Written: []Written{
		{Key: "L-1", PartnerID: "p-1", Hash: "h1", At: at, Memo: memo},
		{Key: "L-2", PartnerID: "p-2", Hash: "h2"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Load(ctx, instance.Push, "tenant", []string{"L-1", "L-2"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Known{
		{Key: "L-1", PartnerID: "p-1", Hash: "h1", WrittenAt: at, Memo: memo},
		{Key: "L-2", PartnerID: "p-2", Hash: "h2", WrittenAt: t0},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Load (-want +got):\n%s", d)
	}

	// Renewing stores hash, time, memo and id, and leaves the partner
	// ids' home keys alone.
	err = st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Renewed: []Written{
		{Key: "L-2", PartnerID: "p-2", Hash: "h2", At: t0, Memo: "renewed"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err = st.Load(ctx, instance.Push, "tenant", []string{"L-2"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Known{{Key: "L-2", PartnerID: "p-2", Hash: "h2", WrittenAt: t0, Memo: "renewed"}}, got); d != "" {
		t.Errorf("after renewing (-want +got):\n%s", d)
	}
	if keys, err := st.HomeKeys(ctx, instance.Push, "tenant", []string{"p-2"}); err != nil || keys[0] != "L-2" {
		t.Errorf("reverse map after renewing: %q, %v", keys, err)
	}
}

func TestStateIDMapBothWays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{})
	err := st.Commit(ctx, Batch{Direction: instance.Pull, Entity: "unit", Written: []Written{
		{Key: "U-1", PartnerID: "u-a"}, {Key: "U-2", PartnerID: "u-b"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	pids, err := st.PartnerIDs(ctx, instance.Pull, "unit", []string{"U-2", "U-9", "U-1"})
	if err != nil {
		t.Fatal(err)
	}
	homes, err := st.HomeKeys(ctx, instance.Pull, "unit", []string{"u-a", "u-x", "u-b"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][]string{{"u-b", "", "u-a"}, {"U-1", "", "U-2"}}, [][]string{pids, homes}); d != "" {
		t.Errorf("ids (-want +got):\n%s", d)
	}
	if pushed, err := st.PartnerIDs(ctx, instance.Push, "unit", []string{"U-1"}); err != nil || pushed[0] != "" {
		t.Errorf("push map sees the pull's id: %v, %v", pushed, err)
	}
}

func TestStateCommitDeletes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{})
	var written []Written
	for i := range 5 {
		written = append(written, Written{Key: fmt.Sprintf("k%d", i), PartnerID: fmt.Sprintf("p%d", i), Hash: "h", Echo: "e"})
	}
	if err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Written: written}); err != nil {
		t.Fatal(err)
	}
	// k1 with its id, k3 without: the state looks it up.
	err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Deleted: []Deleted{{Key: "k1", PartnerID: "p1"}, {Key: "k3"}}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.Count(ctx, instance.Push, "tenant"); err != nil || n != 3 {
		t.Errorf("Count after deleting 2 of 5: %d, %v", n, err)
	}
	homes, err := st.HomeKeys(ctx, instance.Push, "tenant", []string{"p1", "p3", "p4"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"", "", "k4"}, homes); d != "" {
		t.Errorf("reverse map after deletes (-want +got):\n%s", d)
	}
	known, err := st.Load(ctx, instance.Push, "tenant", []string{"k3"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Known{{Key: "k3"}}, known); d != "" {
		t.Errorf("deleted record still known (-want +got):\n%s", d)
	}
	echo, err := st.EchoHash(ctx, instance.Pull, "tenant", "k3")
	if err != nil || echo != "" {
		t.Errorf("echo of a deleted record: %q, %v", echo, err)
	}
}

func TestStateEchoHashes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{})
	err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Written: []Written{{Key: "a", Echo: "ea"}, {Key: "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	pullSees, err := st.EchoHashes(ctx, instance.Pull, "tenant", []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	pushSees, err := st.EchoHash(ctx, instance.Push, "tenant", "a")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"ea", "", ""}, append(pullSees, pushSees)); d != "" {
		t.Errorf("echoes: pull sees the push's, push sees none (-want +got):\n%s", d)
	}
}

func TestStateCommitRefusesBadBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{})
	for name, b := range map[string]Batch{
		"direction":   {Direction: "both", Entity: "t", Written: []Written{{Key: "a"}}},
		"written key": {Direction: instance.Push, Entity: "t", Written: []Written{{Key: "a"}, {Key: ""}}},
		"deleted key": {Direction: instance.Push, Entity: "t", Deleted: []Deleted{{}}},
	} {
		if err := st.Commit(ctx, b); err == nil {
			t.Errorf("%s: Commit accepted %+v", name, b)
		}
	}
	if n, err := st.Count(ctx, instance.Push, "t"); err != nil || n != 0 {
		t.Errorf("a refused batch stored %d keys (%v)", n, err)
	}
	if err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "t"}); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

func TestStateScanVisitsEveryKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{})
	const n = 2500
	var want []Mapped
	for start := 0; start < n; start += 500 {
		var page []Written
		for i := start; i < start+500; i++ {
			page = append(page, Written{Key: fmt.Sprintf("k%04d", i), PartnerID: fmt.Sprintf("p%04d", i), Hash: "h"})
			want = append(want, Mapped{Key: fmt.Sprintf("k%04d", i), PartnerID: fmt.Sprintf("p%04d", i)})
		}
		if err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "unit", Written: page}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]Mapped{}
	calls := 0
	err := st.Scan(ctx, instance.Push, "unit", func(page []Mapped) error {
		calls++
		for _, m := range page {
			seen[m.Key] = m
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]Mapped, 0, len(seen))
	for _, m := range seen {
		got = append(got, m)
	}
	slices.SortFunc(got, func(a, b Mapped) int { return strings.Compare(a.Key, b.Key) })
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Scan (-want +got):\n%s", d)
	}
	if calls == 0 {
		t.Error("Scan never called back")
	}
	if count, err := st.Count(ctx, instance.Push, "unit"); err != nil || count != n {
		t.Errorf("Count = %d, %v; want %d", count, err, n)
	}
	stop := errors.New("stop")
	if err := st.Scan(ctx, instance.Push, "unit", func([]Mapped) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Scan returned %v; want the callback's error", err)
	}
}

func TestStateCursorsAndFullReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	clock := clock.NewManual(t0)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{Clock: clock})
	due := func() bool {
		t.Helper()
		ok, err := st.FullReadDue(ctx, instance.Push, "tenant", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if c, err := st.Cursor(ctx, instance.Push, "tenant"); err != nil || c != "" {
		t.Fatalf("fresh cursor %q, %v", c, err)
	}
	if !due() {
		t.Error("a full read is not due without a cursor")
	}
	if err := st.SetCursor(ctx, instance.Push, "tenant", "2025-03-01T21:59:00Z"); err != nil {
		t.Fatal(err)
	}
	if !due() {
		t.Error("a full read is not due before the first one")
	}
	read := t0.In(time.FixedZone("CET", 3600))
	if err := st.SetFullRead(ctx, instance.Push, "tenant", read); err != nil {
		t.Fatal(err)
	}
	if due() {
		t.Error("a full read is due right after one")
	}
	clock.Advance(24 * time.Hour)
	if !due() {
		t.Error("a full read is not due 24h after the last")
	}
	last, err := st.LastFullRead(ctx, instance.Push, "tenant")
	if err != nil || !last.Equal(read) || last.Location() != time.UTC {
		t.Errorf("LastFullRead = %v, %v; want %v in UTC", last, err, read)
	}
	if c, err := st.Cursor(ctx, instance.Push, "tenant"); err != nil || c != "2025-03-01T21:59:00Z" {
		t.Errorf("cursor %q, %v", c, err)
	}
	if c, err := st.Cursor(ctx, instance.Pull, "tenant"); err != nil || c != "" {
		t.Errorf("pull cursor %q, %v; want none", c, err)
	}
	if err := st.SetCursor(ctx, instance.Push, "tenant", ""); err != nil {
		t.Fatal(err)
	}
	if c, err := st.Cursor(ctx, instance.Push, "tenant"); err != nil || c != "" {
		t.Errorf("cursor after reset %q, %v", c, err)
	}
}

func TestStateKeysStayUnderTheInstanceTag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	st := NewState(rdb, ns, "erp-everreal", StateConfig{})
	if err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Written: []Written{{Key: "a", Echo: "e"}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCursor(ctx, instance.Push, "tenant", "c"); err != nil {
		t.Fatal(err)
	}
	got, err := rdb.Keys(ctx, ns.InstancePattern("erp-everreal")).Result()
	if err != nil {
		t.Fatal(err)
	}
	all, err := rdb.Keys(ctx, ns.Prefix()+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || len(all) != len(got) {
		t.Errorf("instance keys %v of all %v; want 4 (idrev, written, echo, cursor), all tagged", got, all)
	}
}

func TestStateRefusesValuesOfAnUnknownFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	const inst = "erp-everreal"
	st := NewState(rdb, ns, inst, StateConfig{Clock: clock.NewManual(t0)})
	if err := st.Commit(ctx, Batch{Direction: instance.Push, Entity: "tenant", Written: []Written{{Key: "L-1", PartnerID: "p-1", Hash: "h1"}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ value, found string }{
		{"h2 1740870000000", ""},             // no version: a value of versions before it was stored
		{"v2 h2 1740870000000 3:p-2", "v2"},  // a later version
		{"v1 h2 soon 3:p-2", "v1 (damaged)"}, // the right version, damaged
	} {
		rdb.HSet(ctx, ns.Written(inst, "push", "tenant"), "L-2", c.value)
		reads := map[string]func() error{
			"Load":       func() error { _, err := st.Load(ctx, instance.Push, "tenant", []string{"L-1", "L-2"}); return err },
			"PartnerIDs": func() error { _, err := st.PartnerIDs(ctx, instance.Push, "tenant", []string{"L-2"}); return err },
			"LoadHashes": func() error { _, err := st.LoadHashes(ctx, instance.Push, "tenant", []string{"L-2"}); return err },
			"Scan": func() error {
				return st.Scan(ctx, instance.Push, "tenant", func([]Mapped) error { return nil })
			},
		}
		for name, read := range reads {
			err := read()
			if !errors.Is(err, ErrStateFormat) {
				t.Errorf("%s over %q: %v; want ErrStateFormat", name, c.value, err)
				continue
			}
			var fe *FormatError
			if c.found == "v1 (damaged)" {
				if errors.As(err, &fe) || !strings.Contains(err.Error(), `"L-2"`) {
					t.Errorf("%s over the damaged %q: %v; want an error naming the key, not a FormatError", name, c.value, err)
				}
				continue
			}
			if !errors.As(err, &fe) || fe.Found != c.found || fe.Value != `state of instance "erp-everreal", push tenant "L-2"` {
				t.Errorf("%s over %q: %#v; want a FormatError for push tenant L-2 that found %q", name, c.value, fe, c.found)
			} else if !strings.Contains(err.Error(), ns.InstancePattern(inst)) {
				t.Errorf("%s: %q names no pattern of the keys to remove", name, err)
			}
		}
	}
}
