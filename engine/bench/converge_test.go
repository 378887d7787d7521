package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// testWriter sends the soak's progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestConvergeSoak runs 20 rounds of random changes at both sides,
// webhook deliveries (some twice) and partner faults: after each round's
// sync and repairing reconcile the partner holds exactly the home's data.
func TestConvergeSoak(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	persons := 40
	if testing.Short() {
		persons = 20
	}
	rep, err := Converge(context.Background(), ConvergeOptions{Redis: srv.Client, Keys: keys.New(srv.Prefix),
		Persons: persons, Seed: 42, Progress: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rounds) != DefaultConvergeRounds {
		t.Fatalf("%d rounds ran, want %d", len(rep.Rounds), DefaultConvergeRounds)
	}
	var faults int64
	for _, rd := range rep.Rounds {
		for i, m := range rd.Mismatches {
			if i == 10 {
				t.Errorf("round %d: %d more", rd.Round, len(rd.Mismatches)-10)
				break
			}
			t.Errorf("round %d: %s", rd.Round, m)
		}
		faults += rd.Faults.Errors + rd.Faults.Resets + rd.Faults.RateLimited
	}
	if faults == 0 {
		t.Errorf("no faults were injected")
	}
}
