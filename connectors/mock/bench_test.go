package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// benchClient is a plain HTTP client with enough idle connections for
// parallel benchmarks.
var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func drain(b *testing.B, res *http.Response, err error) []byte {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode >= 300 {
		b.Fatalf("status %d: %s", res.StatusCode, data)
	}
	return data
}

// BenchmarkList100k lists 100,000 seeded records page by page (cursor
// paging, 500 per page) through HTTP, validation on.
func BenchmarkList100k(b *testing.B) {
	const n = 100_000
	srv, hs := serve(b, "testdata/rest.json", Options{})
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = map[string]any{"leaseNo": fmt.Sprintf("L-%07d", i), "rent": 500 + i%300, "tenant": "Erika Mustermann"}
	}
	if err := srv.Seed("lease", recs); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	total := 0
	for b.Loop() {
		total += listAll(b, hs.URL)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
}

// listAll walks the leases with the cursor and returns how many it saw.
// Records stay raw: the benchmark measures the server, not decoding.
func listAll(b *testing.B, base string) int {
	next, seen := base+"/leases?limit=500", 0
	for next != "" {
		res, err := benchClient.Get(next)
		var page struct {
			Leases     []json.RawMessage `json:"leases"`
			NextCursor string            `json:"nextCursor"`
		}
		if err := json.Unmarshal(drain(b, res, err), &page); err != nil {
			b.Fatal(err)
		}
		seen += len(page.Leases)
		next = ""
		if page.NextCursor != "" {
			next = base + "/leases?limit=500&cursor=" + page.NextCursor
		}
	}
	return seen
}

// BenchmarkCreate creates records one request at a time, validation on.
func BenchmarkCreate(b *testing.B) {
	_, hs := serve(b, "testdata/rest.json", Options{})
	var i atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Appendf(nil, `{"externalId":"U-%d","name":"Flat","kind":"flat","area":71.5}`, i.Add(1))
			res, err := benchClient.Post(hs.URL+"/units", "application/json", bytes.NewReader(body))
			drain(b, res, err)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkGraphQLUpsert upserts through the GraphQL envelope with input
// validation.
func BenchmarkGraphQLUpsert(b *testing.B) {
	srv, hs := serve(b, "testdata/graphql.json", Options{NoValidation: false})
	auth := "Bearer " + srv.benchToken(b)
	var i atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Appendf(nil, `{"query":%q,"variables":{"t":{"externalTenantId":"T-%d","lastName":"Meyer","coldRent":"812.50"}}}`, upsertTenant, i.Add(1)%5000)
			req, _ := http.NewRequest("POST", hs.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", auth)
			res, err := benchClient.Do(req)
			drain(b, res, err)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

func (s *Server) benchToken(b *testing.B) string {
	token, _ := s.auth.issue(s.cur.Load().now(), defaultTokenTTL)
	return token
}

// BenchmarkMemoryPerRecord seeds 1,000,000 records and reports the heap
// they take.
func BenchmarkMemoryPerRecord(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		srv, err := New(loadSpec(b, "testdata/rest.json"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		before := heapInUse()
		batch := make([]map[string]any, 10_000)
		for start := 0; start < n; start += len(batch) {
			for i := range batch {
				batch[i] = map[string]any{"externalId": fmt.Sprintf("U-%07d", start+i), "name": "Flat", "kind": "flat", "area": 71.5}
			}
			if err := srv.Seed("unit", batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(heapInUse()-before)/n, "heap-bytes/record")
		runtime.KeepAlive(srv)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func TestConcurrentWritesAndLists(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	const workers, perWorker = 8, 40
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				// Every worker upserts the same keys: each key is created once.
				n := fmt.Sprintf("O-%03d", i)
				call(t, "PUT", hs.URL+"/owners/"+n, map[string]any{"ownerNumber": n, "lastName": fmt.Sprint(w)})
				call(t, "GET", hs.URL+"/owners?limit=7", nil)
			}
		}()
	}
	wg.Wait()
	want := makeKeys("O", perWorker)
	for i := range want {
		want[i] = fmt.Sprintf("O-%03d", i)
	}
	if diff := cmp.Diff(want, keysOf(srv.Records("owner"), "ownerNumber")); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	st := srv.Stats()
	if st.Creates != perWorker || st.Creates+st.Updates != workers*perWorker || st.ByStatus[200]+st.ByStatus[201] != 2*workers*perWorker {
		t.Errorf("creates %d updates %d statuses %v", st.Creates, st.Updates, st.ByStatus)
	}
}

// BenchmarkCreateHandler measures the handler alone (no network): the
// cost the mock adds to each create, validation included.
func BenchmarkCreateHandler(b *testing.B) {
	srv, err := New(loadSpec(b, "testdata/rest.json"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		body := fmt.Appendf(nil, `{"externalId":"U-%d","name":"Flat","kind":"flat","area":71.5}`, i)
		req := httptest.NewRequest("POST", "/units", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkListPageHandler measures serving one 500-record page of 100,000
// (no network).
func BenchmarkListPageHandler(b *testing.B) {
	srv, err := New(loadSpec(b, "testdata/rest.json"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]map[string]any, 100_000)
	for i := range recs {
		recs[i] = map[string]any{"leaseNo": fmt.Sprintf("L-%07d", i), "rent": 500 + i%300}
	}
	if err := srv.Seed("lease", recs); err != nil {
		b.Fatal(err)
	}
	cursor := encodeCursor(50_000)
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", "/leases?limit=500&cursor="+cursor, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "records/s")
}
