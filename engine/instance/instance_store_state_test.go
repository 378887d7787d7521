package instance_test

import (
	"context"
	"errors"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// newRedisClient returns a Redis client and a namespace unique to the test.
func newRedisClient(t testing.TB) (redis.UniversalClient, keys.Namespace) {
	t.Helper()
	s := redistest.New(t)
	return s.Client, keys.New(s.Prefix)
}

// testInstance returns a valid instance with id in organisation org.
func testInstance(id, org string) *instance.Instance {
	return &instance.Instance{
		ID: id, Organisation: org, Model: "model.json",
		Home:        instance.System{Spec: "erp.json"},
		Partner:     instance.System{Spec: "everreal.json", Credentials: map[string]specs.Credential{"token": {Env: "TOKEN"}}},
		Permissions: instance.Permissions{instance.Push: {"tenant": {instance.Create}}},
	}
}

// testFiles is the content of the documents of every testInstance.
var testFiles = specs.FileSet{"model.json": []byte(`{"x-model": {}}`), "erp.json": []byte(`{"x-sync": {"system": "erp"}}`),
	"everreal.json": []byte(`{"x-sync": {"system": "everreal"}}`)}

func TestInstanceStoreDeleteKeepsState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedisClient(t)
	s := instance.NewInstanceStore(rdb, ns)
	inst := testInstance("erp-everreal", "acme")
	if _, err := s.Apply(ctx, inst, testFiles); err != nil {
		t.Fatal(err)
	}
	st := store.NewState(rdb, ns, inst.ID, store.StateConfig{})
	if err := st.Commit(ctx, store.Batch{Direction: instance.Push, Entity: "tenant", Written: []store.Written{{Key: "k1", PartnerID: "p1", Hash: "h1"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, inst.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, inst.ID); !errors.Is(err, instance.ErrNotFound) {
		t.Errorf("Get after Delete: %v; want instance.ErrNotFound", err)
	}
	for _, org := range []string{"", "acme"} {
		if list, err := s.List(ctx, instance.ListFilter{Organisation: org}); err != nil || len(list) != 0 {
			t.Errorf("List(%q) after Delete: %v, %v", org, len(list), err)
		}
	}
	if n, err := st.Count(ctx, instance.Push, "tenant"); err != nil || n != 1 {
		t.Errorf("state after Delete: %d keys, %v; want the 1 kept", n, err)
	}
}
