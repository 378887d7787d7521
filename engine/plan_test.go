package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPlanWritesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	data := newHomeData(2, 3)
	h.seedHome(data)
	h.run(RunOptions{})
	// Changes on both sides, a delete and a failing record, so that the
	// plan has something of every kind to do.
	u := data.units[0]
	u["area"] = json.Number("77.5")
	put(t, h.homeURL, "/units/u1", u)
	del(t, h.homeURL, "/leases/l6")
	p := h.homeRecord("person", "p3")
	p["email"] = "changed@example.com"
	delete(p, "updatedAt")
	put(t, h.homeURL, "/persons/p3", p)
	seed(t, h.home, "lease", []map[string]any{{"id": "l7", "unit_id": "u99", "person_id": "p1", "rent": "1.00"}})

	before := redisDump(t, h.rdb, h.ns)
	h.partner.ResetStats()
	h.home.ResetStats()
	plan, err := h.eng.Plan(context.Background(), h.loaded, RunOptions{Full: true, DeleteOverride: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(before, redisDump(t, h.rdb, h.ns)); d != "" {
		t.Errorf("the plan changed Redis (-before +after):\n%s", d)
	}
	if w := h.partner.Stats().Writes() + h.home.Stats().Writes(); w != 0 {
		t.Errorf("the plan wrote %d records", w)
	}

	got := map[string]string{}
	for _, r := range plan.Records {
		got[string(r.Direction)+" "+r.Entity+" "+r.Key] = string(r.Action) + " " + r.Outcome + " " + fieldList(r.Fields)
	}
	want := map[string]string{
		"push unit u1":    "update write area=77.5",
		"push tenant l6":  "delete write ",
		"push tenant l7":  "map failed ",
		"push contact p3": "update conflict email=\"ch***\"",
		"pull contact p3": "",
		"pull unit u1":    "",
	}
	for k, w := range want {
		if w == "" {
			if _, ok := got[k]; ok {
				t.Errorf("%s: planned %q; want nothing", k, got[k])
			}
			continue
		}
		if got[k] != w {
			t.Errorf("%s: planned %q, want %q", k, got[k], w)
		}
	}
	var buf bytes.Buffer
	plan.Table(&buf, true)
	if out := buf.String(); !strings.Contains(out, `changed  area = 77.5`) || strings.Contains(out, "changed@example.com") {
		t.Errorf("plan detail:\n%s", out)
	}
}

// fieldList renders field changes compactly.
func fieldList(fs []FieldChange) string {
	var parts []string
	for _, f := range fs {
		b, _ := json.Marshal(f.New)
		parts = append(parts, f.Field+"="+string(b))
	}
	return strings.Join(parts, ",")
}
