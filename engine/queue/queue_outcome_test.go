package queue

import (
	"testing"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
)

// A run that leaves a divergent record is partial, and its record counts
// the record, for the metrics and the history.
func TestDivergentRunIsPartial(t *testing.T) {
	t.Parallel()
	sum := &engine.Summary{Entities: []*engine.EntitySummary{{Direction: instance.Push, Entity: "unit", Read: 3, Updated: 1, Divergent: 1}}}
	ents := countsOf(sum)
	if len(ents) != 1 || ents[0].Counts["divergent"] != 1 || ents[0].Counts["updated"] != 1 {
		t.Fatalf("counts %+v; want one divergent and one updated", ents)
	}
	if outcome := Outcome(sum, nil); outcome != RunPartial {
		t.Errorf("outcome %q; want %q", outcome, RunPartial)
	}
	if sum.Status() != engine.StatusPartial {
		t.Errorf("summary status %q; want partial", sum.Status())
	}
	sum.Entities[0].Divergent = 0
	if outcome := Outcome(sum, nil); outcome != RunOK {
		t.Errorf("without divergent records: outcome %q; want %q", outcome, RunOK)
	}
}
