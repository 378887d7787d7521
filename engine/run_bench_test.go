package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// runBenchRecords is the number of records of the run benchmarks:
// SPECSYNC_BENCH_RECORDS, default 20,000 (100,000 for the figures in the
// report).
func runBenchRecords() int {
	if n, err := strconv.Atoi(os.Getenv("SPECSYNC_BENCH_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}

// benchItem is the home system's record number i.
func benchItem(i int) map[string]any {
	return map[string]any{
		"id": fmt.Sprintf("item-%07d", i), "name": fmt.Sprintf("Musterstraße Objekt %d", i),
		"street": fmt.Sprintf("Musterstraße %d", i%300+1), "zip": fmt.Sprintf("%05d", 10000+i%89999), "city": "Berlin",
		"amount": fmt.Sprintf("%d.%d", 500+i%5000, i%10), "since": "2024-01-31", "active": i%7 != 0,
		"area": json.Number(fmt.Sprintf("%d.25", 20+i%180)), "updatedAt": "2025-03-01T12:00:00Z",
	}
}

// benchEnv is an instance between a home and a partner for benchmarks.
type benchEnv struct {
	srv     *redistest.Server
	home    string
	partner string
	loaded  *instance.Loaded
	eng     *Engine
}

// benchPath is the absolute path of a benchmark document.
func benchPath(name string) string {
	p, _ := filepath.Abs(filepath.Join("testdata", "bench", name))
	return p
}

// newBenchEnv builds the instance for a home and a partner URL.
func newBenchEnv(tb testing.TB, srv *redistest.Server, home, partner string) *benchEnv {
	tb.Helper()
	inst := &instance.Instance{
		ID: "bench", Organisation: "bench", Source: "bench",
		Home:        instance.System{Spec: benchPath("home.json"), BaseURL: home},
		Partner:     instance.System{Spec: benchPath("partner.json"), BaseURL: partner},
		Model:       benchPath("model.json"),
		Permissions: instance.Permissions{instance.Push: {"item": {instance.Create, instance.Update, instance.Delete}}},
		Options:     instance.Options{Validation: instance.ValidationOff},
	}
	l, fs, err := Open(inst, specs.LoadOptions{})
	if err != nil {
		tb.Fatalf("%v\n%v", err, fs)
	}
	eng, err := New(Config{Redis: srv.Client, Keys: keys.New(srv.Prefix), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	return &benchEnv{srv: srv, home: home, partner: partner, loaded: l, eng: eng}
}

// mockServer serves a benchmark spec from memory, without validation.
func mockServer(tb testing.TB, name string) (*mock.Server, string) {
	tb.Helper()
	s, fs, err := specs.Load(benchPath(name), specs.LoadOptions{})
	if err != nil || fs.HasErrors() {
		tb.Fatalf("%v %v", err, fs)
	}
	m, err := mock.New(s, mock.Options{NoValidation: true})
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(m)
	tb.Cleanup(hs.Close)
	return m, hs.URL
}

// seededHome is a home mock holding n items.
func seededHome(tb testing.TB, n int) string {
	tb.Helper()
	m, url := mockServer(tb, "home.json")
	for start := 0; start < n; start += 10_000 {
		batch := make([]map[string]any, 0, 10_000)
		for i := start; i < min(start+10_000, n); i++ {
			batch = append(batch, benchItem(i))
		}
		if err := m.Seed("item", batch); err != nil {
			tb.Fatal(err)
		}
	}
	return url
}

// run runs the benchmark instance and fails on anything but a clean run.
func (e *benchEnv) run(tb testing.TB) *Summary {
	tb.Helper()
	sum, err := e.eng.Run(context.Background(), e.loaded, RunOptions{})
	if err != nil || sum.Status() != StatusClean {
		tb.Fatalf("run: %v\n%s", err, summaryText(sum))
	}
	return sum
}

// captureWrites runs the instance once against a partner that records
// the requests, for the plain client to send the same.
func captureWrites(tb testing.TB, srv *redistest.Server, home string) []captured {
	partner, _ := mockServer(tb, "partner.json")
	c := &capture{next: partner}
	hs := httptest.NewServer(c)
	defer hs.Close()
	env := newBenchEnv(tb, srv, home, hs.URL)
	env.eng.cfg.Keys = keys.New(srv.Prefix + "capture:")
	env.run(tb)
	return c.reqs
}

// captured is one request a partner received.
type captured struct {
	method, path string
	body         []byte
}

// capture records the writes a handler receives.
type capture struct {
	next http.Handler
	mu   sync.Mutex
	reqs []captured
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, captured{r.Method, r.URL.Path, body})
		c.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	c.next.ServeHTTP(w, r)
}

// replay sends requests to base with a keep-alive client and workers
// goroutines, the way a program without an engine would.
func replay(tb testing.TB, base string, reqs []captured, workers int) time.Duration {
	tb.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: max(workers, 8), IdleConnTimeout: 90 * time.Second}}
	jobs := make(chan captured)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				send(tb, client, base, c)
			}
		}()
	}
	for _, c := range reqs {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	return time.Since(start)
}

// send sends one captured request and reads the answer.
func send(tb testing.TB, client *http.Client, base string, c captured) {
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		tb.Error(err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		tb.Error(err)
		return
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode >= 300 {
		tb.Errorf("%s %s: %d", c.method, c.path, res.StatusCode)
	}
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
	n := runBenchRecords()
	srv := redistest.New(b)
	home := seededHome(b, n)
	reqs := captureWrites(b, srv, home)
	if len(reqs) != n {
		b.Fatalf("the engine sent %d writes for %d records", len(reqs), n)
	}
	var engineTime, rawTime, clientTime time.Duration
	var engineCPU, rawCPU cpuUse
	for i := range b.N {
		// Each contender starts on a collected heap, as testing does before
		// a benchmark: none pays for sweeping what the setup or the one
		// before it left.
		_, url := slowPartner(b, latency)
		env := newBenchEnv(b, srv, home, url)
		env.eng.cfg.Keys = keys.New(fmt.Sprintf("%s%d:", srv.Prefix, i))
		runtime.GC()
		cpu := cpuNow(srv.Client)
		start := time.Now()
		env.run(b)
		engineTime += time.Since(start)
		engineCPU = engineCPU.add(cpuNow(srv.Client).since(cpu))
		_, url = slowPartner(b, latency)
		runtime.GC()
		cpu = cpuNow(srv.Client)
		rawTime += replay(b, url, reqs, instance.DefaultConcurrency)
		rawCPU = rawCPU.add(cpuNow(srv.Client).since(cpu))
		_, url = slowPartner(b, latency)
		runtime.GC()
		clientTime += replayClient(b, env, url, reqs)
	}
	rate := func(d time.Duration) float64 { return float64(n*b.N) / d.Seconds() }
	perRecord := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n*b.N) }
	b.ReportMetric(rate(engineTime), "engine-rec/s")
	b.ReportMetric(rate(rawTime), "raw-rec/s")
	b.ReportMetric(rate(clientTime), "client-rec/s")
	b.ReportMetric(rate(engineTime)/rate(rawTime), "vs-raw")
	b.ReportMetric(rate(engineTime)/rate(clientTime), "vs-client")
	b.ReportMetric(perRecord(engineCPU.process+engineCPU.redis), "engine-cpu-µs/rec")
	b.ReportMetric(perRecord(engineCPU.redis), "redis-cpu-µs/rec")
	b.ReportMetric(perRecord(rawCPU.process+rawCPU.redis), "raw-cpu-µs/rec")
}

// cpuUse is CPU time used by this process and by the Redis server.
type cpuUse struct{ process, redis time.Duration }

// cpuNow reads both clocks; the Redis one from INFO, zero when the server
// does not say (the in-process fallback).
func cpuNow(rdb redis.UniversalClient) cpuUse {
	use := cpuUse{process: processCPU()}
	info, err := rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		return use
	}
	for line := range strings.Lines(info) {
		name, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		if name == "used_cpu_sys" || name == "used_cpu_user" {
			if s, err := strconv.ParseFloat(value, 64); err == nil {
				use.redis += time.Duration(s * float64(time.Second))
			}
		}
	}
	return use
}

func (u cpuUse) since(before cpuUse) cpuUse {
	return cpuUse{u.process - before.process, u.redis - before.redis}
}

func (u cpuUse) add(v cpuUse) cpuUse { return cpuUse{u.process + v.process, u.redis + v.redis} }

// slowPartner is a partner mock that delays every request.
func slowPartner(tb testing.TB, latency time.Duration) (*mock.Server, string) {
	tb.Helper()
	m, url := mockServer(tb, "partner.json")
	if err := m.SetOptions(mock.Options{NoValidation: true, Latency: latency}); err != nil {
		tb.Fatal(err)
	}
	return m, url
}

// replayClient sends the captured upserts through the connectors client
// of the partner spec, without the engine, with as many workers.
func replayClient(tb testing.TB, env *benchEnv, url string, reqs []captured) time.Duration {
	tb.Helper()
	c, err := connectors.New(env.loaded.Partner, connectors.Config{BaseURL: url, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	writes := make([]connectors.Write, len(reqs))
	for i, r := range reqs {
		body, err := decodeRecord(r.body)
		if err != nil {
			tb.Fatal(err)
		}
		writes[i] = connectors.Write{Key: filepath.Base(r.path), Body: body, OnlyID: true} // as the engine asks when nothing pulls
	}
	jobs := make(chan connectors.Write)
	var wg sync.WaitGroup
	start := time.Now()
	for range instance.DefaultConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range jobs {
				if _, err := c.Upsert(context.Background(), "item", w); err != nil {
					tb.Error(err)
				}
			}
		}()
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
// same connector. Metrics: writes (must be 0) and the time ratio.
func BenchmarkUnchangedRun(b *testing.B) {
	n := runBenchRecords()
	srv := redistest.New(b)
	home := seededHome(b, n)
	partner, url := mockServer(b, "partner.json")
	env := newBenchEnv(b, srv, home, url)
	env.run(b)
	partner.ResetStats()
	var runTime, readTime time.Duration
	for range b.N {
		start := time.Now()
		env.run(b)
		runTime += time.Since(start)
		readTime += readAll(b, env)
	}
	if w := partner.Stats().Writes(); w != 0 {
		b.Fatalf("unchanged runs wrote %d records", w)
	}
	b.ReportMetric(float64(partner.Stats().Writes()), "writes")
	b.ReportMetric(runTime.Seconds()/readTime.Seconds(), "run/read")
	b.ReportMetric(float64(n*b.N)/runTime.Seconds(), "rec/s")
}

// readAll lists every home record through a connector client and returns
// how long it took.
func readAll(tb testing.TB, env *benchEnv) time.Duration {
	tb.Helper()
	c, err := connectors.New(env.loaded.Home, connectors.Config{BaseURL: env.home, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	count := 0
	for page, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err != nil {
			tb.Fatal(err)
		}
		count += len(page.Records)
	}
	return time.Since(start)
}

// generatedHome serves n generated items page by page, holding none in
// memory, so that a memory measurement sees the engine alone.
func generatedHome(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		from := (max(page, 1) - 1) * size
		items := make([]map[string]any, 0, size)
		for i := from; i < min(from+size, n); i++ {
			items = append(items, benchItem(i))
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(items)
	})
}

// sinkPartner answers every upsert with its body and an id, storing
// nothing.
func sinkPartner() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var obj map[string]any
		if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		obj["id"] = obj["externalId"]
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(obj)
	})
}

// TestMemoryOfMillionRecordRun measures the peak resident memory (VmHWM)
// of a run over SPECSYNC_MEMORY_RECORDS records (1,000,000 for the
// report) against a generated home and a partner that stores nothing, on
// the Redis of REDIS_URL. It only reports; it is skipped unless both are
// set.
func TestMemoryOfMillionRecordRun(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SPECSYNC_MEMORY_RECORDS"))
	if n <= 0 || os.Getenv("REDIS_URL") == "" {
		t.Skip("set SPECSYNC_MEMORY_RECORDS and REDIS_URL to measure")
	}
	home := httptest.NewServer(generatedHome(n))
	defer home.Close()
	partner := httptest.NewServer(sinkPartner())
	defer partner.Close()
	srv := redistest.New(t)
	env := newBenchEnv(t, srv, home.URL, partner.URL)
	before := vmHWM(t)
	start := time.Now()
	sum := env.run(t)
	t.Logf("%d records in %s (%.0f rec/s); VmHWM before %d MB, after %d MB; redis keys of the run: %s",
		sum.Entity(instance.Push, "item").Created, time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds(),
		before>>10, vmHWM(t)>>10, redisMemory(t, srv.Client))
}

// vmHWM reads the peak resident set size in KiB.
func vmHWM(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.Fields(v)[0]), 10, 64)
			return kb
		}
	}
	t.Skip("no VmHWM in /proc/self/status")
	return 0
}

// redisMemory reports the server's used memory.
func redisMemory(t *testing.T, rdb redis.UniversalClient) string {
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		return err.Error()
	}
	for _, line := range bytes.Split([]byte(info), []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("used_memory_human:")); ok {
			return string(bytes.TrimSpace(v))
		}
	}
	return "unknown"
}
