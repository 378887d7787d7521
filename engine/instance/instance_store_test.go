package instance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/internal/stored"
	"github.com/specsync/specsync/specs"
)

// storedInstance returns a valid instance with id in organisation org.
func storedInstance(id, org string) *Instance {
	return &Instance{
		ID: id, Organisation: org, Model: "model.json",
		Home:        System{Spec: "erp.json"},
		Partner:     System{Spec: "everreal.json", Credentials: map[string]specs.Credential{"token": {Env: "TOKEN"}}},
		Permissions: Permissions{Push: {"tenant": {Create}}},
	}
}

// testFiles is the content of the documents of every storedInstance.
var testFiles = specs.FileSet{"model.json": []byte(`{"x-model": {}}`), "erp.json": []byte(`{"x-sync": {"system": "erp"}}`),
	"everreal.json": []byte(`{"x-sync": {"system": "everreal"}}`)}

func ids(list []*Instance) []string {
	out := []string{}
	for _, inst := range list {
		out = append(out, inst.ID)
	}
	return out
}

func TestInstanceStoreApplyGetList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	for _, inst := range []*Instance{storedInstance("b-two", "acme"), storedInstance("a-one", "acme"), storedInstance("c-three", "globex")} {
		if change, err := s.Apply(ctx, inst, testFiles); err != nil || change != Created {
			t.Fatalf("Apply %s: %v, %v; want created", inst.ID, change, err)
		}
	}
	got, err := s.Get(ctx, "a-one")
	if err != nil {
		t.Fatal(err)
	}
	want := storedInstance("a-one", "acme")
	want.Documents, _ = documentsOf(want, testFiles)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Get (-want +got):\n%s", d)
	}
	for org, want := range map[string][]string{"": {"a-one", "b-two", "c-three"}, "acme": {"a-one", "b-two"}, "globex": {"c-three"}, "none": {}} {
		list, err := s.List(ctx, ListFilter{Organisation: org})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, ids(list)); d != "" {
			t.Errorf("List(org %q) (-want +got):\n%s", org, d)
		}
	}
	if _, err := s.Get(ctx, "absent"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(absent): %v; want ErrNotFound", err)
	}
}

func TestInstanceStoreVersionCountsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	version := func() int64 {
		t.Helper()
		v, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := version(); v != 0 {
		t.Fatalf("version of an empty store %d; want 0", v)
	}
	inst := storedInstance("erp-everreal", "acme")
	steps := []struct {
		name string
		do   func() error
		want int64
	}{
		{"create", func() error { _, err := s.Apply(ctx, inst, testFiles); return err }, 1},
		{"apply unchanged", func() error { _, err := s.Apply(ctx, storedInstance("erp-everreal", "acme"), testFiles); return err }, 1},
		{"enable", func() error { return s.Enable(ctx, inst.ID) }, 2},
		{"enable again", func() error { return s.Enable(ctx, inst.ID) }, 2},
		{"disable", func() error { return s.Disable(ctx, inst.ID) }, 3},
		{"move organisation", func() error { _, err := s.Apply(ctx, storedInstance("erp-everreal", "globex"), testFiles); return err }, 4},
		{"delete", func() error { return s.Delete(ctx, inst.ID) }, 5},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if v := version(); v != step.want {
			t.Errorf("after %s: version %d; want %d", step.name, v, step.want)
		}
	}
}

func TestInstanceStoreEnableDisable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	for _, id := range []string{"a-one", "b-two"} {
		if _, err := s.Apply(ctx, storedInstance(id, "acme"), testFiles); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Enable(ctx, "b-two"); err != nil {
		t.Fatal(err)
	}
	enabled, err := s.List(ctx, ListFilter{Organisation: "acme", EnabledOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"b-two"}, ids(enabled)); d != "" {
		t.Errorf("enabled (-want +got):\n%s", d)
	}
	if err := s.Disable(ctx, "b-two"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "b-two")
	if err != nil || got.Enabled {
		t.Errorf("after Disable: enabled=%v, err=%v", got != nil && got.Enabled, err)
	}
	for name, err := range map[string]error{"enable": s.Enable(ctx, "absent"), "disable": s.Disable(ctx, "absent"), "delete": s.Delete(ctx, "absent")} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of a missing instance: %v; want ErrNotFound", name, err)
		}
	}
}

func TestInstanceStoreApplyRefusesInvalid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	inst := storedInstance("Bad_ID", "acme")
	inst.Schedule.Timezone = "Mars/Olympus"
	_, err := s.Apply(ctx, inst, testFiles)
	var invalid *InvalidInstanceError
	if !errors.As(err, &invalid) {
		t.Fatalf("Apply: %v; want *InvalidInstanceError", err)
	}
	if d := cmp.Diff([]string{"invalid-value /id", "invalid-value /schedule/timezone"}, codes(invalid.Findings)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	list, err := s.List(ctx, ListFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("store holds %v (err %v) after a refused apply", ids(list), err)
	}
	if _, err := s.Apply(ctx, nil, nil); !errors.As(err, &invalid) {
		t.Errorf("Apply(nil): %v; want *InvalidInstanceError", err)
	}
}

func TestInstanceStoreMoveOrganisation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	if _, err := s.Apply(ctx, storedInstance("erp-everreal", "acme"), testFiles); err != nil {
		t.Fatal(err)
	}
	change, err := s.Apply(ctx, storedInstance("erp-everreal", "globex"), testFiles)
	if err != nil || change != Updated {
		t.Fatalf("Apply to another organisation: %v, %v; want updated", change, err)
	}
	for org, want := range map[string][]string{"acme": {}, "globex": {"erp-everreal"}} {
		list, err := s.List(ctx, ListFilter{Organisation: org})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, ids(list)); d != "" {
			t.Errorf("List(%s) (-want +got):\n%s", org, d)
		}
	}
}

func TestInstanceStoreConcurrentChangesAllLand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	if _, err := s.Apply(ctx, storedInstance("shared", "acme"), testFiles); err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, 2*n)
	for i := range n {
		go func() {
			_, err := s.Apply(ctx, storedInstance(fmt.Sprintf("inst-%d", i), "acme"), testFiles)
			errs <- err
		}()
		go func() {
			if i%2 == 0 {
				errs <- s.Enable(ctx, "shared")
			} else {
				errs <- s.Disable(ctx, "shared")
			}
		}()
	}
	for range 2 * n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	list, err := s.List(ctx, ListFilter{Organisation: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n+1 {
		t.Errorf("%d instances stored; want %d: %v", len(list), n+1, ids(list))
	}
}

func TestInstanceStoreRefusesInstancesOfAnUnknownFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	if _, err := s.Apply(ctx, storedInstance("a-one", "acme"), testFiles); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(storedInstance("b-two", "acme"))
	if err != nil {
		t.Fatal(err)
	}
	key := ns.Instance("b-two")
	// The instance alone, unmarked or marked as format v1 was before
	// instances carried their documents, and a later format.
	for value, found := range map[string]string{string(data): "", "v1 " + string(data): "v1", "v3 " + string(data): "v3"} {
		if err := rdb.Set(ctx, key, value, 0).Err(); err != nil {
			t.Fatal(err)
		}
		rdb.SAdd(ctx, ns.Instances(), "b-two")
		for name, read := range map[string]func() error{
			"Get":    func() error { _, err := s.Get(ctx, "b-two"); return err },
			"List":   func() error { _, err := s.List(ctx, ListFilter{}); return err },
			"Apply":  func() error { _, err := s.Apply(ctx, storedInstance("b-two", "acme"), testFiles); return err },
			"Delete": func() error { return s.Delete(ctx, "b-two") },
		} {
			err := read()
			var fe *stored.FormatError
			if !errors.As(err, &fe) || !errors.Is(err, stored.ErrFormat) || fe.Found != found || fe.Value != `stored instance "b-two"` {
				t.Errorf("%s over an instance of format %q: %v; want its FormatError", name, found, err)
			} else if !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "apply the instance again") {
				t.Errorf("%s: %q does not say what to do", name, err)
			}
		}
	}
	// What the error says to do works.
	if err := rdb.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	if change, err := s.Apply(ctx, storedInstance("b-two", "acme"), testFiles); err != nil || change != Created {
		t.Errorf("Apply after removing the key: %v, %v; want created", change, err)
	}
	if list, err := s.List(ctx, ListFilter{Organisation: "acme"}); err != nil || len(list) != 2 {
		t.Errorf("List: %v, %v; want both instances", ids(list), err)
	}
}
