package connectors_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/connectors/mock"
)

// mockBench is a mock server for one of the bench specs, with records
// seeded, and a client for it.
func mockBench(t testing.TB, file string, entities []string, n int, opts mock.Options) *connectors.Client {
	t.Helper()
	spec := loadSpec(t, file)
	srv, err := mock.New(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = map[string]any{"key": fmt.Sprintf("k%06d", i), "name": fmt.Sprintf("item %d", i), "amount": 1000 + i}
	}
	for _, e := range entities {
		if err := srv.Seed(e, recs); err != nil {
			t.Fatalf("seeding %s: %v", e, err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := connectors.New(spec, connectors.Config{BaseURL: hs.URL, Logger: (&connectortest.Logs{}).Logger()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	restStyles    = []string{"page", "offset", "cursor", "linkHeader", "nextLink"}
	graphqlStyles = []string{"graphqlOffset", "connection"}
)

func TestEveryStyleListsTheMock(t *testing.T) {
	t.Parallel()
	const n = 250
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("k%06d", i)
	}
	for file, styles := range map[string][]string{"bench_rest.json": restStyles, "bench_graphql.json": graphqlStyles} {
		c := mockBench(t, file, styles, n, mock.Options{})
		for _, style := range styles {
			t.Run(style, func(t *testing.T) {
				var keys []string
				complete := false
				for page, err := range c.List(context.Background(), style, connectors.ListOptions{}) {
					if err != nil {
						t.Fatalf("List: %v", err)
					}
					for _, r := range page.Records {
						keys = append(keys, fmt.Sprint(r["key"]))
					}
					complete = page.Complete
				}
				sort.Strings(keys)
				if diff := cmp.Diff(want, keys); diff != "" {
					t.Errorf("keys (-want +got):\n%s", diff)
				}
				if !complete {
					t.Error("the listing did not end with a complete page")
				}
			})
		}
	}
}

// TestListingMemoryDoesNotGrowWithTheDataSet reads 50,000 records page by
// page and compares the live heap early in the listing with the live heap
// at its end: pages the caller has dropped must not be kept. It is not
// parallel: the heap it measures is the process's, and Go runs the
// package's parallel tests only after the others.
func TestListingMemoryDoesNotGrowWithTheDataSet(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50,000 records")
	}
	const n = 50_000
	c := mockBench(t, "bench_rest.json", []string{"cursor"}, n, mock.Options{NoValidation: true})
	var early, late uint64
	count := 0
	for page, err := range c.List(context.Background(), "cursor", connectors.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		count += len(page.Records)
		switch {
		case page.Number == 20:
			early = liveHeap()
		case page.Complete:
			late = liveHeap()
		}
	}
	if count != n {
		t.Fatalf("listed %d records; want %d", count, n)
	}
	// Keeping the 48,000 records read after page 20 would take well over
	// 10 MB; the listing's own state (two small hashes a page) a few KB.
	if late > early+4<<20 {
		t.Errorf("live heap grew from %d to %d bytes over the listing", early, late)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
