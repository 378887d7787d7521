package engine

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/nettest"
)

// countingTransport counts the requests sent to one host.
type countingTransport struct {
	host string
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == c.host {
		c.n.Add(1)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// A partner that never answers stops the run after a few refused
// connections: the run fails naming it, no record lands in the ledger,
// and once the partner is up the next run creates every record once.
func TestRunStopsAskingAPartnerNeverReached(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	data := newHomeData(10, 3)
	h.seedHome(data)
	h.inst.Partner.BaseURL = nettest.ClosedURL(t)
	h.reload()
	count := &countingTransport{host: strings.TrimPrefix(h.inst.Partner.BaseURL, "http://")}
	eng, err := New(Config{Redis: h.rdb, Keys: h.ns, Clock: h.clock, ConnectorClock: clock.NewManual(runT0), Transport: count, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := eng.Run(context.Background(), h.loaded, RunOptions{})
	if sum == nil {
		t.Fatalf("no summary: %v", err)
	}
	if !errors.Is(err, connectors.ErrUnreachable) || sum.Status() != StatusFailed {
		t.Errorf("run: %v, status %s; want it failed as unreachable\n%s", err, sum.Status(), summaryText(sum))
	}
	if got := strings.Join(sum.Unreachable, "; "); !strings.Contains(got, "could not be reached") {
		t.Errorf("unreachable %q; want the partner named", got)
	}
	// The first write's attempts, and at most one per other worker that
	// was already sending.
	if n := count.n.Load(); n > int64(3+h.inst.Options.Concurrency) {
		t.Errorf("%d requests to the partner; want the run to stop after a few", n)
	}
	if n, err := eng.Ledger(h.inst).Count(context.Background(), store.LedgerFilter{}); err != nil || n != 0 {
		t.Errorf("ledger holds %d entries (%v); want none: the records were not tried", n, err)
	}

	h.inst.Partner.BaseURL = h.partnerURL
	h.reload()
	h.run(RunOptions{})
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner after the rerun (-want +got):\n%s", d)
	}
}
