package connectors_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/mock"
)

// BenchmarkList lists 100,000 records, 100 a page, with each paging style,
// from the spec-driven mock (request validation off).
func BenchmarkList(b *testing.B) {
	const n = 100_000
	for file, styles := range map[string][]string{"bench_rest.json": restStyles, "bench_graphql.json": graphqlStyles} {
		for _, style := range styles {
			b.Run(style, func(b *testing.B) {
				c := mockBench(b, file, []string{style}, n, mock.Options{NoValidation: true})
				b.ResetTimer()
				for range b.N {
					if got := listCount(b, c, style); got != n {
						b.Fatalf("listed %d records; want %d", got, n)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}

func listCount(b *testing.B, c *connectors.Client, entity string) int {
	count := 0
	for page, err := range c.List(context.Background(), entity, connectors.ListOptions{}) {
		if err != nil {
			b.Fatal(err)
		}
		count += len(page.Records)
	}
	return count
}

// createServer accepts creates: it reads the body and answers a fixed
// record.
func createServer(b *testing.B) *httptest.Server {
	reply := []byte(`{"key":"k1","id":"srv-1","name":"created"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(reply)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// createBody is a mapped body of the size of a real tenant write.
func createBody(i int64) map[string]any {
	return map[string]any{
		"key": fmt.Sprintf("k%08d", i), "name": "Ada Lovelace", "amount": json.Number("123456.34"),
		"email": "ada@example.org", "street": "Hauptstraße 1", "zip": "10115", "city": "Berlin",
		"start": "2024-01-01", "meta": map[string]any{"source": "erp", "unit": "U-17"},
	}
}

// BenchmarkCreate sends creates through the Client and, for comparison,
// through a plain keep-alive net/http client doing the same: encode the
// body, POST it, read the whole response and decode it.
func BenchmarkCreate(b *testing.B) {
	b.Run("client", func(b *testing.B) {
		srv := createServer(b)
		c, err := connectors.New(loadSpec(b, "bench_rest.json"), connectors.Config{BaseURL: srv.URL})
		if err != nil {
			b.Fatal(err)
		}
		var seq atomic.Int64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := seq.Add(1)
				res, err := c.Create(context.Background(), "create", connectors.Write{Key: fmt.Sprint(i), Body: createBody(i)})
				if err != nil || res.Object == nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
	})
	b.Run("plain", func(b *testing.B) {
		srv := createServer(b)
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
		var seq atomic.Int64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := plainCreate(hc, srv.URL+"/items", createBody(seq.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
	})
}

func plainCreate(hc *http.Client, url string, body map[string]any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out map[string]any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
