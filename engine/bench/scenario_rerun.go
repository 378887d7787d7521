package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/mock"
)

// rerunBench compares a run over unchanged records with a pure read of
// the same records through the home's connector.
type rerunBench struct {
	h       *harness
	n       int
	in      *opened
	partner *mock.Server
	reader  *connectors.Client
}

// rerunRows measures the rerun scenario.
func rerunRows(ctx context.Context, h *harness) (rows []Row, err error) {
	h.progress("rerun: %d records, the first run", h.o.Records)
	r, stop, err := newRerunBench(ctx, h, h.o.Records)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, r.in.drop(ctx)); stop() }()
	runs, reads, err := h.pairs(ctx, "rerun", r.rerun, r.read)
	if err != nil {
		return nil, err
	}
	if w := r.partner.Stats().Writes(); w != 0 {
		return nil, fmt.Errorf("unchanged runs wrote %d records", w)
	}
	return []Row{compared("rerun", "ms/run", r.n, "pure read", millis(runs), millis(reads))}, nil
}

// newRerunBench runs a new instance once, so that every later run finds
// its records unchanged.
func newRerunBench(ctx context.Context, h *harness, n int) (*rerunBench, func(), error) {
	home, err := h.seededHome(n)
	if err != nil {
		return nil, nil, err
	}
	partner, err := mockServer(h.dir, "partner.json", 0)
	if err != nil {
		return nil, nil, err
	}
	url, stop, err := serve(partner)
	if err != nil {
		return nil, nil, err
	}
	r := &rerunBench{h: h, n: n, partner: partner}
	if r.in, err = h.open("rerun", home, url); err == nil {
		r.reader, err = connectors.New(r.in.loaded.Home, connectors.Config{BaseURL: home, Logger: slog.New(slog.DiscardHandler)})
	}
	if err == nil {
		_, err = r.in.run(ctx)
	}
	if err != nil {
		stop()
		return nil, nil, err
	}
	partner.ResetStats()
	return r, stop, nil
}

// rerun runs the instance over its unchanged records.
func (r *rerunBench) rerun(ctx context.Context) (sample, error) {
	return r.h.measure(ctx, func() error {
		_, err := r.in.run(ctx)
		return err
	})
}

// read lists every home record through the home's connector.
func (r *rerunBench) read(ctx context.Context) (sample, error) {
	return r.h.measure(ctx, func() error {
		count := 0
		for page, err := range r.reader.List(ctx, "item", connectors.ListOptions{}) {
			if err != nil {
				return err
			}
			count += len(page.Records)
		}
		if count != r.n {
			return fmt.Errorf("the read found %d of %d records", count, r.n)
		}
		return nil
	})
}
