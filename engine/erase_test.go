package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
)

// TestEraseNeedsRemovalAndPermission: an entity whose delete only
// detaches is refused, naming the operation to declare; an instance
// without push delete refuses the erase unless it is overridden; the
// erase removes the one record at the partner with its removing delete
// and leaves no state of it.
func TestEraseNeedsRemovalAndPermission(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "upsert")
	h.seedHome(newHomeData(1, 2))
	h.run(RunOptions{})
	ctx := context.Background()

	_, err := h.eng.Erase(ctx, h.loaded, EraseOptions{Entity: "tenant", Key: "l1"})
	if !errors.Is(err, ErrCannotErase) || !strings.Contains(err.Error(), `declare an "erase" operation in x-sync.entities.tenant`) {
		t.Errorf("erase of a detaching entity: %v", err)
	}

	h.inst.Permissions[instance.Push]["contact"] = []instance.Action{instance.Create, instance.Update}
	h.reload()
	if _, err := h.eng.Erase(ctx, h.loaded, EraseOptions{Entity: "contact", Key: "p1"}); !errors.Is(err, ErrErasePermission) {
		t.Errorf("erase without push contact delete: %v", err)
	}
	if n := len(h.partner.Records("contact")); n != 2 {
		t.Fatalf("the partner has %d contacts before the erase, want 2", n)
	}
	res, err := h.eng.Erase(ctx, h.loaded, EraseOptions{Entity: "contact", Key: "p1", OverridePermission: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Partner == nil || res.Partner.Operation != "delete" {
		t.Errorf("partner removal = %+v, want the removing delete", res.Partner)
	}
	left := h.partner.Records("contact")
	if len(left) != 1 || left[0]["externalId"] != "p2" {
		t.Errorf("the partner's contacts after the erase: %v, want p2 alone", left)
	}
	traces, err := h.eng.State(h.inst).Traces(ctx, "contact", "p1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range traces {
		if !tr.Empty() {
			t.Errorf("state of p1 left after the erase: %+v", tr)
		}
	}
	if traces, _ := h.eng.State(h.inst).Traces(ctx, "contact", "p2"); traces[0].Empty() {
		t.Error("the erase removed p2's state")
	}
}
