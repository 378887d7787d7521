package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModelOrder(t *testing.T) {
	t.Parallel()
	model, fs, err := LoadModel(goldenModel, LoadOptions{})
	if err != nil || len(fs) > 0 {
		t.Fatal(err, fs)
	}
	want := []string{"economic_unit", "building", "tenant", "unit", "lease"}
	if diff := cmp.Diff(want, model.Order); diff != "" {
		t.Errorf("Order (-want +got):\n%s", diff)
	}
	assertDependencyOrder(t, model.Entities, model.Order)
}

func TestDependencyOrderCycles(t *testing.T) {
	t.Parallel()
	entities := map[string]*ModelEntity{
		"a": {References: map[string]string{"b_id": "b"}},
		"b": {References: map[string]string{"c_id": "c"}},
		"c": {References: map[string]string{"a_id": "a"}},
		"d": {References: map[string]string{"c_id": "c", "x_id": "missing"}},
		"e": {},
		"f": {References: map[string]string{"parent_id": "f"}},
	}
	r := &report{file: "m.json"}
	order := dependencyOrder(entities, r)
	if diff := cmp.Diff([]string{"e", "f", "a", "b", "c", "d"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, f := range r.findings {
		msgs = append(msgs, f.Code+" "+f.Pointer+" "+f.Message)
	}
	want := []string{
		`reference-cycle /x-model/entities/f/references/parent_id entity "f" references itself through "parent_id"`,
		"reference-cycle /x-model/entities/a/references/b_id references form a cycle: a -> b -> c -> a",
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// assertDependencyOrder checks that every entity comes after those it
// references.
func assertDependencyOrder(t *testing.T, entities map[string]*ModelEntity, order []string) {
	t.Helper()
	pos := map[string]int{}
	for i, name := range order {
		pos[name] = i
	}
	for name, e := range entities {
		for field, target := range e.References {
			if pos[target] > pos[name] {
				t.Errorf("%s (%s -> %s) comes before %s", name, field, target, target)
			}
		}
	}
}
