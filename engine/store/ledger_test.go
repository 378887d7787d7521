package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
)

func TestLedgerFailCountsAttempts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	clock := clock.NewManual(t0)
	l := NewLedger(rdb, ns, "erp-everreal", LedgerConfig{Clock: clock})
	first := Reason{Code: "missing-reference", Message: `unit "U-7" is not synced yet; it is retried next run`}
	if err := l.Fail(ctx, instance.Push, "tenant", Failed{Key: "L-1", Reason: first, RunID: "run-1"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	second := Reason{Code: "http-422", Message: "partner refused the tenant: email is invalid"}
	if err := l.Fail(ctx, instance.Push, "tenant", Failed{Key: "L-1", Reason: second, RunID: "run-2"}, Failed{Key: "L-2", Reason: second, RunID: "run-2"}); err != nil {
		t.Fatal(err)
	}
	got, err := l.Get(ctx, instance.Push, "tenant", "L-1")
	if err != nil {
		t.Fatal(err)
	}
	want := &Failure{Direction: instance.Push, Entity: "tenant", Key: "L-1", Reason: second, Attempts: 2, First: t0, Last: t0.Add(24 * time.Hour), RunID: "run-2"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Get (-want +got):\n%s", d)
	}
	if none, err := l.Get(ctx, instance.Push, "tenant", "L-9"); err != nil || none != nil {
		t.Errorf("Get of an unknown key: %v, %v; want nil", none, err)
	}
}

func TestLedgerRetryAndClear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	l := NewLedger(rdb, ns, "erp-everreal", LedgerConfig{})
	reason := Reason{Code: "timeout", Message: "partner did not answer in 30s"}
	var failed []Failed
	for i := range 1200 {
		failed = append(failed, Failed{Key: fmt.Sprintf("k%04d", i), Reason: reason})
	}
	if err := l.Fail(ctx, instance.Push, "tenant", failed...); err != nil {
		t.Fatal(err)
	}
	if err := l.Fail(ctx, instance.Push, "unit", Failed{Key: "k0001", Reason: reason}); err != nil {
		t.Fatal(err)
	}
	keys, err := l.Keys(ctx, instance.Push, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1200 {
		t.Errorf("Keys: %d; want the 1200 to retry", len(keys))
	}
	var ok []string
	for i := range 1000 {
		ok = append(ok, fmt.Sprintf("k%04d", i))
	}
	if err := l.Clear(ctx, instance.Push, "tenant", append(ok, "never-failed")...); err != nil {
		t.Fatal(err)
	}
	keys, err = l.Keys(ctx, instance.Push, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 200 || !strings.HasPrefix(minString(keys), "k1000") {
		t.Errorf("after clearing 1000: %d keys left, lowest %q; want 200 from k1000", len(keys), minString(keys))
	}
	counts := map[string]int64{}
	for name, f := range map[string]LedgerFilter{
		"all": {}, "push tenant": {Direction: instance.Push, Entity: "tenant"}, "unit": {Entity: "unit"}, "push": {Direction: instance.Push}, "pull": {Direction: instance.Pull},
	} {
		if counts[name], err = l.Count(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int64{"all": 201, "push tenant": 200, "unit": 1, "push": 201, "pull": 0}
	if d := cmp.Diff(want, counts); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
	if again, err := l.Get(ctx, instance.Push, "tenant", "k0001"); err != nil || again != nil {
		t.Errorf("cleared key still failed: %+v, %v", again, err)
	}
}

func minString(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	m := ss[0]
	for _, s := range ss {
		m = min(m, s)
	}
	return m
}

func TestLedgerListNewestFirstWithFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	clock := clock.NewManual(t0)
	l := NewLedger(rdb, ns, "erp-everreal", LedgerConfig{Clock: clock})
	steps := []struct {
		dir    instance.Direction
		entity string
		key    string
	}{
		{instance.Push, "tenant", "a"}, {instance.Pull, "tenant", "b"}, {instance.Push, "unit", "c"}, {instance.Push, "tenant", "d"}, {instance.Push, "tenant", "a"},
	}
	for _, s := range steps {
		clock.Advance(time.Minute)
		if err := l.Fail(ctx, s.dir, s.entity, Failed{Key: s.key, Reason: Reason{Code: "x", Message: s.key}}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(f LedgerFilter) []string {
		t.Helper()
		got, err := l.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, fl := range got {
			out = append(out, fmt.Sprintf("%s/%s/%s", fl.Direction, fl.Entity, fl.Key))
		}
		return out
	}
	cases := []struct {
		filter LedgerFilter
		want   []string
	}{
		{LedgerFilter{}, []string{"push/tenant/a", "push/tenant/d", "push/unit/c", "pull/tenant/b"}},
		{LedgerFilter{Limit: 2}, []string{"push/tenant/a", "push/tenant/d"}},
		{LedgerFilter{Entity: "tenant"}, []string{"push/tenant/a", "push/tenant/d", "pull/tenant/b"}},
		{LedgerFilter{Direction: instance.Push, Entity: "tenant"}, []string{"push/tenant/a", "push/tenant/d"}},
		{LedgerFilter{Direction: instance.Pull}, []string{"pull/tenant/b"}},
		{LedgerFilter{Entity: "lease"}, []string{}},
	}
	for _, c := range cases {
		if d := cmp.Diff(c.want, list(c.filter)); d != "" {
			t.Errorf("List(%+v) (-want +got):\n%s", c.filter, d)
		}
	}
}

func TestLedgerListPagesThroughALongIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	clock := clock.NewManual(t0)
	l := NewLedger(rdb, ns, "erp-everreal", LedgerConfig{Clock: clock})
	for i := range 1100 {
		clock.Advance(time.Second)
		entity := "tenant"
		if i%100 == 0 {
			entity = "unit"
		}
		if err := l.Fail(ctx, instance.Push, entity, Failed{Key: fmt.Sprintf("k%04d", i), Reason: Reason{Code: "x"}}); err != nil {
			t.Fatal(err)
		}
	}
	units, err := l.List(ctx, LedgerFilter{Entity: "unit"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range units {
		got = append(got, f.Key)
	}
	want := []string{"k1000", "k0900", "k0800", "k0700", "k0600", "k0500", "k0400", "k0300", "k0200", "k0100", "k0000"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("units across index pages (-want +got):\n%s", d)
	}
}

func TestLedgerKeepsSecretsOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	l := NewLedger(rdb, ns, "erp-everreal", LedgerConfig{Redactor: NewRedactor("Zm9vOmJhcg==")})
	long := strings.Repeat("ü", 3000)
	err := l.Fail(ctx, instance.Push, "tenant",
		Failed{Key: "a", Reason: Reason{Code: "http-401", Message: "401 for Authorization: Basic Zm9vOmJhcg=="}},
		Failed{Key: "b", Reason: Reason{Code: "http-500", Message: long + "\xff"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.List(ctx, LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	msgs := map[string]string{}
	for _, f := range got {
		msgs[f.Key] = f.Reason.Message
	}
	if want := "401 for Authorization: Basic [redacted]"; msgs["a"] != want {
		t.Errorf("message %q; want %q", msgs["a"], want)
	}
	if n := len(msgs["b"]); n > maxMessageBytes+len("…") || !strings.HasPrefix(long, strings.TrimSuffix(msgs["b"], "…")) {
		t.Errorf("long message kept %d bytes; want it clipped at a rune boundary to %d", n, maxMessageBytes)
	}
}

func TestLedgerRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	l := NewLedger(rdb, ns, "erp-everreal", LedgerConfig{})
	if err := l.Fail(ctx, "sideways", "tenant", Failed{Key: "a"}); err == nil {
		t.Error("Fail accepted direction sideways")
	}
	if err := l.Fail(ctx, instance.Push, "tenant", Failed{Key: ""}); err == nil {
		t.Error("Fail accepted an empty key")
	}
	if n, err := l.Count(ctx, LedgerFilter{}); err != nil || n != 0 {
		t.Errorf("count after refused failures: %d, %v", n, err)
	}
}

func TestLedgerRefusesFailuresOfAnUnknownFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	l := NewLedger(rdb, ns, "erp-everreal", LedgerConfig{Clock: clock.NewManual(t0)})
	reason := Reason{Code: "timeout", Message: "partner did not answer in 30s"}
	if err := l.Fail(ctx, instance.Push, "tenant", Failed{Key: "L-1", Reason: reason}, Failed{Key: "L-2", Reason: reason}); err != nil {
		t.Fatal(err)
	}
	key := ns.Failures("erp-everreal", "push", "tenant")
	const what = `failure ledger of instance "erp-everreal", push tenant "L-2"`
	for value, found := range map[string]string{
		`{"code":"timeout","attempts":1}`:    "", // JSON without a version
		`v2 {"code":"timeout","attempts":1}`: "v2",
	} {
		if err := rdb.HSet(ctx, key, "L-2", value).Err(); err != nil {
			t.Fatal(err)
		}
		_, err := l.Get(ctx, instance.Push, "tenant", "L-2")
		checkFormatError(t, err, what, found, key, `"v1"`)
		_, err = l.List(ctx, LedgerFilter{})
		checkFormatError(t, err, what, found, key)
	}
	if err := rdb.HSet(ctx, key, "L-2", "v1 {damaged").Err(); err != nil {
		t.Fatal(err)
	}
	var fe *FormatError
	if _, err := l.Get(ctx, instance.Push, "tenant", "L-2"); !errors.Is(err, ErrStateFormat) || errors.As(err, &fe) || !strings.Contains(err.Error(), what) {
		t.Errorf("Get of a damaged failure: %v; want an error naming it, not a FormatError", err)
	}
	// Failing the key again replaces the value it cannot read.
	if err := l.Fail(ctx, instance.Push, "tenant", Failed{Key: "L-2", Reason: reason}); err != nil {
		t.Fatal(err)
	}
	if got, err := l.Get(ctx, instance.Push, "tenant", "L-2"); err != nil || got.Attempts != 1 || !got.First.Equal(t0) {
		t.Errorf("a failure stored over a damaged one: %+v, %v; want its first attempt", got, err)
	}
	if got, err := l.Get(ctx, instance.Push, "tenant", "L-1"); err != nil || got.Attempts != 1 {
		t.Errorf("the failure beside: %+v, %v", got, err)
	}
}
