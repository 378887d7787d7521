package bench

import (
	"context"
	"runtime"
	"time"
)

// sample is the wall and CPU time of one run.
type sample struct {
	elapsed time.Duration
	cpu     cpuUse
}

// measure runs f on a collected heap, as testing does before a
// benchmark, so that no run pays for sweeping what the one before it
// left.
func (h *harness) measure(ctx context.Context, f func() error) (sample, error) {
	runtime.GC()
	before := cpuNow(ctx, h.o.Redis)
	start := time.Now()
	err := f()
	return sample{time.Since(start), cpuNow(ctx, h.o.Redis).since(before)}, err
}

// rates are the records per second of samples of n records each.
func rates(samples []sample, n int) []float64 {
	out := make([]float64, len(samples))
	for i, s := range samples {
		out[i] = float64(n) / s.elapsed.Seconds()
	}
	return out
}

// millis are the wall times of samples in milliseconds.
func millis(samples []sample) []float64 {
	out := make([]float64, len(samples))
	for i, s := range samples {
		out[i] = float64(s.elapsed.Microseconds()) / 1e3
	}
	return out
}

// cpuPerRecord is the CPU time per record in microseconds, this process's
// and the Redis server's, of samples of n records each.
func cpuPerRecord(samples []sample, n int) []float64 {
	out := make([]float64, len(samples))
	for i, s := range samples {
		out[i] = float64(s.cpu.total().Nanoseconds()) / 1e3 / float64(n)
	}
	return out
}

// pairs runs a and b Pairs times, interleaved, and alternates which goes
// first, so that neither always meets the machine as the other left it.
func (h *harness) pairs(ctx context.Context, name string, a, b func(context.Context) (sample, error)) ([]sample, []sample, error) {
	var as, bs []sample
	for i := range h.o.Pairs {
		h.progress("%s: pair %d of %d", name, i+1, h.o.Pairs)
		first, second := a, b
		if i%2 == 1 {
			first, second = b, a
		}
		s1, err := first(ctx)
		if err != nil {
			return nil, nil, err
		}
		s2, err := second(ctx)
		if err != nil {
			return nil, nil, err
		}
		if i%2 == 1 {
			s1, s2 = s2, s1
		}
		as, bs = append(as, s1), append(bs, s2)
	}
	return as, bs, nil
}
