package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// composedPartner is the create partner whose unit create body is
// declared as a data platform declares it: oneOf [array of Unit, Unit],
// one record or a batch. The unit's area is written with a template
// rendering text (write is the area's template).
func composedPartner(t *testing.T, write string) string {
	t.Helper()
	return editedSpec(t, "partner_create.json", func(doc map[string]any) {
		post := doc["paths"].(map[string]any)["/units"].(map[string]any)["post"].(map[string]any)
		unit := map[string]any{"$ref": "#/components/schemas/Unit"}
		post["requestBody"].(map[string]any)["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{
			"oneOf": []any{map[string]any{"type": "array", "items": unit}, unit},
		}}}
		specEntity(doc, "unit")["write"].(map[string]any)["area"] = write
	})
}

// Regression: with a create body of oneOf [array of items, item], every
// unit whose area was rendered as a decimal failed with "value doesn't
// match any schema from oneOf". The area is converted as the item's
// number, the partner receives a JSON number, and the request passes the
// operation's own body schema (strict validation).
func TestRunOneOfArrayOrItemBodySendsNumbers(t *testing.T) {
	t.Parallel()
	h := newHarnessSpec(t, redistest.New(t), composedPartner(t, "{{ unit.area|decimal:2 }}"))
	h.inst.Options.Validation = instance.ValidationStrict
	h.reload()
	data := newHomeData(1, 2)
	h.seedHome(data)
	sum := h.run(RunOptions{})
	if sum.ExitCode() != ExitClean {
		t.Fatalf("run: %s\n%s", sum.Status(), summaryText(sum))
	}
	var areas []any
	for _, body := range h.writes.bodies {
		var rec map[string]any
		if err := json.Unmarshal([]byte(body), &rec); err != nil {
			t.Fatal(err)
		}
		if a, ok := rec["area"]; ok {
			areas = append(areas, a)
		}
	}
	if len(areas) != 2 {
		t.Fatalf("partner got %d unit bodies with an area, want 2: %q", len(areas), h.writes.bodies)
	}
	for _, a := range areas {
		if _, isNumber := a.(float64); !isNumber {
			t.Errorf("partner got area %#v, want a JSON number", a)
		}
	}
	if !strings.Contains(strings.Join(h.writes.bodies, "\n"), `"area":41.50`) {
		t.Errorf("the decimal's places are lost: %q", h.writes.bodies)
	}
}

// A value of the wrong type fails its record with the field and the
// branch named.
func TestRunOneOfBodyNamesTheFieldOfAFailure(t *testing.T) {
	t.Parallel()
	h := newHarnessSpec(t, redistest.New(t), composedPartner(t, "{{ unit.building_id }}"))
	h.seedHome(newHomeData(1, 1))
	sum := h.run(RunOptions{})
	if got := sum.Entity(instance.Push, "unit").Failed; got != 1 {
		t.Fatalf("push unit failed %d, want 1\n%s", got, summaryText(sum))
	}
	failures, err := h.eng.Ledger(h.inst).List(context.Background(), store.LedgerFilter{Entity: "unit"})
	if err != nil || len(failures) != 1 {
		t.Fatalf("ledger of unit: %+v, %v", failures, err)
	}
	msg := failures[0].Reason.Message
	for _, want := range []string{"/area", `"b1"`, "oneOf/1 (#/components/schemas/Unit)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure %q does not name %s", msg, want)
		}
	}
	if strings.Contains(msg, "any schema from oneOf") {
		t.Errorf("failure %q is kin-openapi's oneOf message", msg)
	}
}
