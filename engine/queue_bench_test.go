package engine_test

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// runCounter counts finished runs per instance.
type runCounter struct {
	mu   sync.Mutex
	runs map[string]int
	done chan struct{}
	want int
}

func (c *runCounter) RunFinished(rec queue.RunRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.runs[rec.Instance]++; len(c.runs) == c.want && c.runs[rec.Instance] == 1 {
		close(c.done)
	}
}

func (c *runCounter) EnqueueSkipped(string, string) {}

// BenchmarkServe enqueues a run of every instance at once, as the nightly
// schedule does, and measures until two worker servers have finished them
// all. It is long, so it runs only with SPECSYNC_BENCH_SERVE set to the
// number of instances (1000 for the full measurement):
//
//	SPECSYNC_BENCH_SERVE=1000 go test -run '^$' -bench BenchmarkServe -benchtime 1x -timeout 30m ./engine
//
// Every instance has about 1,000 home records (10 buildings, 330 units,
// persons and leases) and pushes them to one shared mock partner.
func BenchmarkServe(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("SPECSYNC_BENCH_SERVE"))
	if n <= 0 {
		b.Skip("set SPECSYNC_BENCH_SERVE to the number of instances")
	}
	h := engine.NewQueueHarness(b, redistest.New(b), "upsert", 10, 33)
	e := newQueueEnv(b, h)
	for i := range n {
		inst := *h.Instance()
		inst.ID, inst.Enabled = fmt.Sprintf("bench-%04d", i), true
		engine.ApplyInstance(b, e.store, &inst)
	}
	counter := &runCounter{runs: map[string]int{}, done: make(chan struct{}), want: n}
	runner := queue.NewEngineRunner(h.Engine(), e.store, specs.LoadOptions{})
	b.ResetTimer()
	start := time.Now()
	for range 2 {
		srv := e.server(b, e.worker(b, runner, counter), 8)
		defer srv.Shutdown()
	}
	for i := range n {
		e.enqueueRun(b, fmt.Sprintf("bench-%04d", i))
	}
	<-counter.done
	elapsed := time.Since(start)
	b.StopTimer()
	waitFor(b, "the queue to drain", e.drained)
	for id, runs := range counter.runs {
		if runs != 1 {
			b.Errorf("instance %s ran %d times", id, runs)
		}
	}
	b.ReportMetric(elapsed.Seconds(), "s/all-runs")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "runs/s")
}
