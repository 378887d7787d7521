package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/specsync/specsync/engine/instance"
)

// Benchmark sizes: a nightly run of 100k records, a page of 500.
const (
	benchRecords = 100_000
	benchBatch   = 500
)

// benchBatches builds the batches of benchRecords written records.
func benchBatches() []Batch {
	var out []Batch
	for start := 0; start < benchRecords; start += benchBatch {
		b := Batch{Direction: instance.Push, Entity: "tenant", Written: make([]Written, 0, benchBatch)}
		for i := start; i < start+benchBatch; i++ {
			b.Written = append(b.Written, Written{
				Key:       fmt.Sprintf("lease-%07d", i),
				PartnerID: fmt.Sprintf("8f14e45f-ceea-467a-9575-%012d", i),
				Hash:      fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15),
				Echo:      fmt.Sprintf("%016x", uint64(i)*0xc2b2ae3d27d4eb4f),
			})
		}
		out = append(out, b)
	}
	return out
}

// keysOf returns the home keys of a batch.
func keysOf(b Batch) []string {
	out := make([]string, len(b.Written))
	for i, w := range b.Written {
		out[i] = w.Key
	}
	return out
}

func BenchmarkStateCommit(b *testing.B) {
	ctx := context.Background()
	rdb, ns := newRedis(b)
	st := NewState(rdb, ns, "bench", StateConfig{})
	batches := benchBatches()
	b.ResetTimer()
	for b.Loop() {
		for _, batch := range batches {
			if err := st.Commit(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(benchRecords*b.N)/b.Elapsed().Seconds(), "keys/s")
}

// benchLoaded commits the benchmark records and returns the state and the
// key pages.
func benchLoaded(b *testing.B) (*State, [][]string) {
	ctx := context.Background()
	rdb, ns := newRedis(b)
	st := NewState(rdb, ns, "bench", StateConfig{})
	var pages [][]string
	for _, batch := range benchBatches() {
		if err := st.Commit(ctx, batch); err != nil {
			b.Fatal(err)
		}
		pages = append(pages, keysOf(batch))
	}
	return st, pages
}

func BenchmarkStateLoadHashes(b *testing.B) {
	ctx := context.Background()
	st, pages := benchLoaded(b)
	b.ResetTimer()
	for b.Loop() {
		for _, keys := range pages {
			hashes, err := st.LoadHashes(ctx, instance.Push, "tenant", keys)
			if err != nil || hashes[0] == "" {
				b.Fatalf("LoadHashes: %v, first %q", err, hashes[0])
			}
		}
	}
	b.ReportMetric(float64(benchRecords*b.N)/b.Elapsed().Seconds(), "keys/s")
}

func BenchmarkStateLoad(b *testing.B) {
	ctx := context.Background()
	st, pages := benchLoaded(b)
	b.ResetTimer()
	for b.Loop() {
		for _, keys := range pages {
			known, err := st.Load(ctx, instance.Push, "tenant", keys)
			if err != nil || known[0].PartnerID == "" {
				b.Fatalf("Load: %v, first %+v", err, known[0])
			}
		}
	}
	b.ReportMetric(float64(benchRecords*b.N)/b.Elapsed().Seconds(), "keys/s")
}
