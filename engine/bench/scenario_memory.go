package bench

import (
	"context"
	"errors"
	"runtime"
	"runtime/debug"
	"time"
)

// memoryRows measures the memory scenario: one push of MemoryRecords
// records from a generated home to a partner that stores nothing, and the
// process's peak resident size during it. An in-process Redis counts in
// that size.
func memoryRows(ctx context.Context, h *harness) (rows []Row, err error) {
	n := h.o.MemoryRecords
	h.progress("memory: one run of %d records", n)
	home, stopHome, err := serve(generatedHome(n))
	if err != nil {
		return nil, err
	}
	defer stopHome()
	partner, stopPartner, err := serve(sinkPartner())
	if err != nil {
		return nil, err
	}
	defer stopPartner()
	in, err := h.open("memory", home, partner)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, in.drop(ctx)) }()
	runtime.GC()
	debug.FreeOSMemory()
	metric := "peak RSS MiB"
	if resetPeak() != nil {
		metric = "peak RSS MiB (since the process started)"
	}
	start := time.Now()
	if _, err := in.run(ctx); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	peak, err := peakRSS()
	if err != nil {
		return nil, err
	}
	return []Row{
		{Scenario: "memory", Metric: metric, Records: n, Value: float64(peak) / (1 << 20)},
		{Scenario: "memory", Metric: "records/s", Records: n, Value: float64(n) / elapsed.Seconds()},
	}, nil
}
