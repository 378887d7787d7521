package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunFullPushThenNothingToDo(t *testing.T) {
	for _, partner := range []string{"create", "upsert"} {
		t.Run(partner, func(t *testing.T) {
			h := newHarness(t, partner)
			data := newHomeData(3, 4)
			h.seedHome(data)
			sum := h.run(RunOptions{})
			if sum.ExitCode() != ExitClean {
				t.Fatalf("first run %s: %+v\n%v", sum.Status(), sum.Warnings, summaryText(sum))
			}
			if d := cmp.Diff(expected(data), h.actual()); d != "" {
				t.Fatalf("partner data (-want +got):\n%s", d)
			}
			t.Log(summaryText(sum))
			h.partner.ResetStats()
			sum = h.run(RunOptions{})
			if w := h.partner.Stats().Writes(); w != 0 {
				t.Errorf("second run wrote %d records; want 0\n%s", w, summaryText(sum))
			}
		})
	}
}
