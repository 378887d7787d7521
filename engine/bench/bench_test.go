package bench

import (
	"context"
	"log/slog"
	"os"
	"path"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// benchRecords is the number of records of the run benchmarks:
// SPECSYNC_BENCH_RECORDS, default 20,000 (`specsync bench` runs 100,000).
func benchRecords() int {
	if n, err := strconv.Atoi(os.Getenv("SPECSYNC_BENCH_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}

// newBenchHarness is a harness on the test's Redis and prefix.
func newBenchHarness(b *testing.B) *harness {
	b.Helper()
	srv := redistest.New(b)
	o, err := Options{Redis: srv.Client, Keys: keys.New(srv.Prefix), Records: benchRecords(), Pairs: 1}.withDefaults()
	if err != nil {
		b.Fatal(err)
	}
	h, err := newHarness(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(h.close)
	return h
}

// BenchmarkPush pushes every home record to an empty upsert partner
// (mock, no rate limit) and compares the records per second with a plain
// keep-alive net/http client sending the same requests, and with the
// connectors client sending them without the engine, all with as many
// workers. Locally every request costs CPU in the same process; with a
// millisecond of latency the partner is a little further away.
// Metrics: engine-rec/s, raw-rec/s, client-rec/s and the ratios; the CPU
// time per record of the engine and of the plain client, mocks included,
// and of it the Redis server's share (zero on the in-process fallback,
// whose work counts as the process's).
func BenchmarkPush(b *testing.B) {
	for _, latency := range []time.Duration{0, time.Millisecond} {
		b.Run("latency="+latency.String(), func(b *testing.B) { benchPush(b, latency) })
	}
}

// benchPush is BenchmarkPush with a partner latency.
func benchPush(b *testing.B, latency time.Duration) {
	ctx := context.Background()
	h := newBenchHarness(b)
	p, err := newPushBench(ctx, h, h.o.Records, latency)
	if err != nil {
		b.Fatal(err)
	}
	var eng, raw []sample
	var clientTime time.Duration
	for range b.N {
		e, r, err := h.pairs(ctx, "push", p.engineRun, p.plainRun)
		if err != nil {
			b.Fatal(err)
		}
		eng, raw = append(eng, e...), append(raw, r...)
		clientTime += replayClient(b, p)
	}
	n := p.n * b.N
	engineTime, rawTime := total(eng), total(raw)
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	perRecord := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	b.ReportMetric(rate(engineTime.elapsed), "engine-rec/s")
	b.ReportMetric(rate(rawTime.elapsed), "raw-rec/s")
	b.ReportMetric(rate(clientTime), "client-rec/s")
	b.ReportMetric(rate(engineTime.elapsed)/rate(rawTime.elapsed), "vs-raw")
	b.ReportMetric(rate(engineTime.elapsed)/rate(clientTime), "vs-client")
	b.ReportMetric(perRecord(engineTime.cpu.total()), "engine-cpu-µs/rec")
	b.ReportMetric(perRecord(engineTime.cpu.redis), "redis-cpu-µs/rec")
	b.ReportMetric(perRecord(rawTime.cpu.total()), "raw-cpu-µs/rec")
}

// total adds samples up.
func total(samples []sample) sample {
	var t sample
	for _, s := range samples {
		t.elapsed += s.elapsed
		t.cpu = cpuUse{t.cpu.process + s.cpu.process, t.cpu.redis + s.cpu.redis}
	}
	return t
}

// replayClient sends the captured upserts to a new partner through the
// connectors client of the partner spec, without the engine, with as many
// workers, and returns how long it took.
func replayClient(b *testing.B, p *pushBench) time.Duration {
	b.Helper()
	url, stop, err := p.partner()
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	in, err := p.h.open("client", p.home, url)
	if err != nil {
		b.Fatal(err)
	}
	c, err := connectors.New(in.loaded.Partner, connectors.Config{BaseURL: url, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	writes := make([]connectors.Write, len(p.reqs))
	for i, r := range p.reqs {
		v, err := jsonvalue.Decode(r.body)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := v.(map[string]any)
		writes[i] = connectors.Write{Key: path.Base(r.path), Body: body, OnlyID: true} // as the engine asks when nothing pulls
	}
	jobs := make(chan connectors.Write)
	var wg sync.WaitGroup
	start := time.Now()
	for range p.workers {
		wg.Go(func() {
			for w := range jobs {
				if _, err := c.Upsert(context.Background(), "item", w); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for _, w := range writes {
		jobs <- w
	}
	close(jobs)
	wg.Wait()
	return time.Since(start)
}

// BenchmarkUnchangedRun runs an instance whose records are all unchanged
// and compares its time with a plain read of the home records through the
// same connector. Metrics: writes (must be 0), the time ratio and the
// run's records per second.
func BenchmarkUnchangedRun(b *testing.B) {
	ctx := context.Background()
	h := newBenchHarness(b)
	r, stop, err := newRerunBench(ctx, h, h.o.Records)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	var runs, reads []sample
	for range b.N {
		rn, rd, err := h.pairs(ctx, "rerun", r.rerun, r.read)
		if err != nil {
			b.Fatal(err)
		}
		runs, reads = append(runs, rn...), append(reads, rd...)
	}
	w := r.partner.Stats().Writes()
	if w != 0 {
		b.Fatalf("unchanged runs wrote %d records", w)
	}
	b.ReportMetric(float64(w), "writes")
	b.ReportMetric(total(runs).elapsed.Seconds()/total(reads).elapsed.Seconds(), "run/read")
	b.ReportMetric(float64(r.n*b.N)/total(runs).elapsed.Seconds(), "rec/s")
}

// BenchmarkTenantWriteMapping maps the EverReal tenant write mapping of
// DESIGN §5 (with lease, tenant, unit and instance variables, decimals,
// dates, required and default) against TenantInput, schema validation
// included. Run with -cpu=1 to read records/s per core.
func BenchmarkTenantWriteMapping(b *testing.B) {
	m, vars, err := tenantMapping()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Apply(vars); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Apply(vars); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
