package instance

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/internal/stored"
	"github.com/specsync/specsync/specs"
)

// TestApplyStoresTheDocumentsAndReportsWhatChanged applies an instance,
// then the same again, then a changed spec, then a changed instance: the
// store reports created, unchanged, changed and updated, and Files gives
// the content applied last.
func TestApplyStoresTheDocumentsAndReportsWhatChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	edited := maps.Clone(testFiles)
	edited["everreal.json"] = []byte(`{"x-sync": {"system": "everreal", "entities": {}}}`)
	edited["parts/common.json"] = []byte(`{}`)
	moved := storedInstance("erp", "globex")
	for i, step := range []struct {
		inst  *Instance
		files specs.FileSet
		want  Change
	}{
		{storedInstance("erp", "acme"), testFiles, Created},
		{storedInstance("erp", "acme"), testFiles, Unchanged},
		{storedInstance("erp", "acme"), edited, Changed},
		{moved, edited, Updated},
		{moved, edited, Unchanged},
	} {
		change, err := s.Apply(ctx, step.inst, step.files)
		if err != nil || change != step.want {
			t.Fatalf("step %d: Apply = %v, %v; want %v", i, change, err, step.want)
		}
		inst, err := s.Get(ctx, "erp")
		if err != nil {
			t.Fatal(err)
		}
		files, err := s.Files(ctx, inst)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(step.files, files); d != "" {
			t.Errorf("step %d: Files (-want +got):\n%s", i, d)
		}
	}
	old, _ := documentsOf(storedInstance("erp", "acme"), testFiles)
	if ttl := rdb.TTL(ctx, ns.Document("erp", old["everreal.json"])).Val(); ttl <= 0 || ttl > DocumentGrace {
		t.Errorf("the replaced spec's content expires in %v; want within %v", ttl, DocumentGrace)
	}
	current, _ := documentsOf(moved, edited)
	if ttl := rdb.TTL(ctx, ns.Document("erp", current["everreal.json"])).Val(); ttl != -1 {
		t.Errorf("the applied spec's content expires in %v; want never", ttl)
	}
}

func TestApplyRefusesAnInstanceWithoutTheContentOfItsDocuments(t *testing.T) {
	t.Parallel()
	s := NewInstanceStore(newRedis(t))
	files := maps.Clone(testFiles)
	delete(files, "erp.json")
	_, err := s.Apply(context.Background(), storedInstance("erp", "acme"), files)
	if err == nil || !strings.Contains(err.Error(), "home spec erp.json") {
		t.Errorf("Apply without the home spec's content: %v; want it refused, naming the spec", err)
	}
	if _, err := s.Get(context.Background(), "erp"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after the refusal: %v; want ErrNotFound", err)
	}
}

func TestFilesRefusesMissingAndDamagedContent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	s := NewInstanceStore(rdb, ns)
	if _, err := s.Apply(ctx, storedInstance("erp", "acme"), testFiles); err != nil {
		t.Fatal(err)
	}
	inst, err := s.Get(ctx, "erp")
	if err != nil {
		t.Fatal(err)
	}
	key := ns.Document("erp", inst.Documents["erp.json"])
	for value, want := range map[string]error{"v1 {\"edited\": true}": stored.ErrFormat, "v9 {}": stored.ErrFormat, "": errDocumentMissing} {
		if value == "" {
			rdb.Del(ctx, key)
		} else {
			rdb.Set(ctx, key, value, 0)
		}
		if _, err := s.Files(ctx, inst); !errors.Is(err, want) || !strings.Contains(err.Error(), "apply the instance again") {
			t.Errorf("Files over %q: %v; want %v that says to apply again", value, err, want)
		}
	}
	if _, err := s.Files(ctx, storedInstance("erp", "acme")); err == nil {
		t.Errorf("Files of an instance that was not applied: no error")
	}
}
