package engine

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/nettest"
)

// answering401 is the base URL of a server that refuses every request's
// credentials.
func answering401(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"error":"invalid credentials"}`, http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A run is clean when every record went through, partial when some
// failed, and failed when it could not reach a system at all (a closed
// port) or its credentials were refused at the start.
func TestRunOutcomes(t *testing.T) {
	t.Parallel()
	closedPort := func(t *testing.T) string { return nettest.ClosedURL(t) }
	cases := []struct {
		name        string
		home        func(*testing.T) string // a base URL replacing the home mock's
		partner     func(*testing.T) string
		breakUnit   bool
		want        Status
		unreachable string // a system named in Summary.Unreachable
		aborted     bool
	}{
		{name: "ok", want: StatusClean},
		{name: "partial: a record fails", breakUnit: true, want: StatusPartial},
		{name: "failed: partner unreachable", partner: closedPort, want: StatusFailed, unreachable: "could not be reached", aborted: true},
		{name: "failed: home unreachable", home: closedPort, want: StatusFailed, unreachable: "could not be reached", aborted: true},
		{name: "failed: partner refuses the credentials", partner: answering401, want: StatusFailed, aborted: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, "upsert")
			data := newHomeData(1, 2)
			if tc.breakUnit {
				delete(data.units[1], "number")
			}
			h.seedHome(data)
			if tc.home != nil {
				h.inst.Home.BaseURL = tc.home(t)
			}
			if tc.partner != nil {
				h.inst.Partner.BaseURL = tc.partner(t)
			}
			h.reload()
			eng, err := New(Config{Redis: h.rdb, Keys: h.ns, Clock: h.clock, ConnectorClock: clock.NewManual(runT0), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := eng.Run(context.Background(), h.loaded, RunOptions{})
			if sum == nil {
				t.Fatalf("no summary: %v", err)
			}
			if sum.Status() != tc.want {
				t.Errorf("status %s; want %s\n%s", sum.Status(), tc.want, summaryText(sum))
			}
			if (err != nil) != tc.aborted || (sum.Aborted != "") != tc.aborted {
				t.Errorf("error %v, aborted %q; want aborted %v", err, sum.Aborted, tc.aborted)
			}
			got := strings.Join(sum.Unreachable, "; ")
			if (got != "") != (tc.unreachable != "") || !strings.Contains(got, tc.unreachable) {
				t.Errorf("unreachable %q; want %q", got, tc.unreachable)
			}
			if tc.want == StatusFailed && sum.ExitCode() != ExitFailed {
				t.Errorf("exit code %d; want %d", sum.ExitCode(), ExitFailed)
			}
			if tc.unreachable != "" && !strings.Contains(summaryText(sum), "unreachable: ") {
				t.Errorf("the table does not say which system was unreachable:\n%s", summaryText(sum))
			}
		})
	}
}
