package bench

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// pushBench compares a full push with a plain keep-alive client sending
// the same bodies at the same concurrency.
type pushBench struct {
	h       *harness
	n       int
	latency time.Duration
	home    string
	reqs    []captured
	workers int
}

// pushRows measures the push scenario.
func pushRows(ctx context.Context, h *harness) ([]Row, error) {
	h.progress("push: %d records, capturing the bodies", h.o.Records)
	p, err := newPushBench(ctx, h, h.o.Records, h.o.Latency)
	if err != nil {
		return nil, err
	}
	eng, plain, err := h.pairs(ctx, "push", p.engineRun, p.plainRun)
	if err != nil {
		return nil, err
	}
	return []Row{
		compared("push", "records/s", p.n, "plain HTTP client", rates(eng, p.n), rates(plain, p.n)),
		compared("push", "CPU µs/record", p.n, "plain HTTP client", cpuPerRecord(eng, p.n), cpuPerRecord(plain, p.n)),
	}, nil
}

// newPushBench seeds the home and pushes it once to a partner that
// records the requests, for the plain client to send the same.
func newPushBench(ctx context.Context, h *harness, n int, latency time.Duration) (*pushBench, error) {
	home, err := h.seededHome(n)
	if err != nil {
		return nil, err
	}
	partner, err := mockServer(h.dir, "partner.json", 0)
	if err != nil {
		return nil, err
	}
	c := &capture{next: partner}
	url, stop, err := serve(c)
	if err != nil {
		return nil, err
	}
	defer stop()
	in, err := h.open("push", home, url)
	if err != nil {
		return nil, err
	}
	if _, err := in.run(ctx); err != nil {
		return nil, errors.Join(err, in.drop(ctx))
	}
	if len(c.reqs) != n {
		err = fmt.Errorf("the engine sent %d writes for %d records", len(c.reqs), n)
	}
	return &pushBench{h: h, n: n, latency: latency, home: home, reqs: c.reqs, workers: in.workers()}, errors.Join(err, in.drop(ctx))
}

// engineRun pushes every record with a new instance to a new partner.
func (p *pushBench) engineRun(ctx context.Context) (sample, error) {
	url, stop, err := p.partner()
	if err != nil {
		return sample{}, err
	}
	defer stop()
	in, err := p.h.open("push", p.home, url)
	if err != nil {
		return sample{}, err
	}
	s, err := p.h.measure(ctx, func() error {
		_, err := in.run(ctx)
		return err
	})
	return s, errors.Join(err, in.drop(ctx))
}

// plainRun sends the captured bodies to a new partner.
func (p *pushBench) plainRun(ctx context.Context) (sample, error) {
	url, stop, err := p.partner()
	if err != nil {
		return sample{}, err
	}
	defer stop()
	return p.h.measure(ctx, func() error {
		_, err := replay(url, p.reqs, p.workers)
		return err
	})
}

// partner serves a new, empty partner mock.
func (p *pushBench) partner() (string, func(), error) {
	m, err := mockServer(p.h.dir, "partner.json", p.latency)
	if err != nil {
		return "", nil, err
	}
	return serve(m)
}
