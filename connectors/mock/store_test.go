package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func testStamp() stamp {
	n := 0
	return stamp{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), newID: func() string { n++; return fmt.Sprintf("id-%d", n) }}
}

func TestCollectionWithDottedPaths(t *testing.T) {
	t.Parallel()
	c := newCollection("thing", "meta.id", "meta.key")
	st := testStamp()
	r, err := c.create(map[string]any{"meta": map[string]any{"key": "K1"}, "v": 1}, st, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.id != "id-1" || r.key != "K1" {
		t.Errorf("row id %q key %q", r.id, r.key)
	}
	if _, err := c.create(map[string]any{"meta": map[string]any{"key": "K1"}}, st, false); !errors.Is(err, errConflict) {
		t.Errorf("second create: %v, want a conflict", err)
	}
	r, created, err := c.upsert("K1", map[string]any{"v": 2}, st)
	if err != nil || created || r.id != "id-1" {
		t.Errorf("upsert: %v created=%v id=%q", err, created, r.id)
	}
	got, ok := c.get("K1") // by key, when no id matches
	if !ok {
		t.Fatal("get by key found nothing")
	}
	doc, _ := decodeObject(got.data)
	want := map[string]any{"meta": map[string]any{"id": "id-1", "key": "K1"}, "v": json.Number("2")}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	// Changing the key re-indexes the record.
	if _, err := c.update("id-1", map[string]any{"meta": map[string]any{"key": "K2"}}, st); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.get("K1"); ok {
		t.Error("old key still finds the record")
	}
	if r, ok := c.get("K2"); !ok || r.id != "id-1" {
		t.Errorf("new key finds %+v", r)
	}
}

func TestWindowFiltersAndCountsTotal(t *testing.T) {
	t.Parallel()
	c := newCollection("t", "", "k")
	st := testStamp()
	for i := range 10 {
		kind := "a"
		if i%2 == 1 {
			kind = "b"
		}
		if _, err := c.create(map[string]any{"k": fmt.Sprintf("k%d", i), "kind": kind}, st, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.remove("k2"); err != nil {
		t.Fatal(err)
	}
	q := listQuery{equal: []fieldEq{{path: "kind", value: "a"}}}
	p := c.window(q, start{offset: 1}, 2)
	var keys []string
	for _, d := range p.data {
		doc, _ := decodeObject(d)
		keys = append(keys, doc["k"].(string))
	}
	if diff := cmp.Diff([]string{"k4", "k6"}, keys); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	if p.total != 4 || p.end != 3 {
		t.Errorf("total %d end %d, want 4 and 3", p.total, p.end)
	}
}

func TestSeedRefusesNullRecords(t *testing.T) {
	t.Parallel()
	srv, err := New(loadSpec(t, "testdata/rest.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Seed("unit", []map[string]any{nil}); err == nil {
		t.Error("Seed accepted a null record")
	}
}

// TestIntegerIDsStayNumbersThroughUpdates: a collection whose server ids
// are integers gives them as numbers after an upsert or update too, as
// the spec that declares them integers says.
func TestIntegerIDsStayNumbersThroughUpdates(t *testing.T) {
	t.Parallel()
	c := newCollection("contact", "internalId", "id")
	c.intIDs = true
	st := testStamp()
	if _, err := c.create(map[string]any{"id": "K1", "name": "a"}, st, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.upsert("K1", map[string]any{"name": "b"}, st); err != nil {
		t.Fatal(err)
	}
	got, ok := c.get("K1")
	if !ok {
		t.Fatal("get by key found nothing")
	}
	doc, _ := decodeObject(got.data)
	if id, ok := doc["internalId"].(json.Number); !ok || id != "1" {
		t.Errorf("internalId after the upsert is %#v; want the number 1", doc["internalId"])
	}
}
