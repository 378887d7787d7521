package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// bigPageRows measures the bigpage scenario: a full listing, through
// the home's connector with the validation users run with, of a home that
// answers the first list request with all its records in one page of
// BigPageMB MiB; the process's peak resident size and the time during it.
// The records are dropped as they are handed over, as the engine's
// pipeline drops each page once it is written.
func bigPageRows(ctx context.Context, h *harness) ([]Row, error) {
	size := int64(h.o.BigPageMB) << 20
	page := newBigPage(size)
	h.progress("bigpage: one page of %d MiB, %d records", h.o.BigPageMB, page.n)
	home, stopHome, err := serve(page)
	if err != nil {
		return nil, err
	}
	defer stopHome()
	spec, fs, err := specs.Load(filepath.Join(h.dir, "home.json"), specs.LoadOptions{})
	if err == nil && fs.HasErrors() {
		err = fmt.Errorf("home.json has findings: %v", fs)
	}
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	client, err := connectors.New(spec, connectors.Config{BaseURL: home, Validation: connectors.ValidationWarn, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	metric := "peak RSS MiB"
	if resetPeak() != nil {
		metric = "peak RSS MiB (since the process started)"
	}
	start := time.Now()
	n := 0
	for p, err := range client.List(ctx, "item", connectors.ListOptions{}) {
		if err != nil {
			return nil, fmt.Errorf("bench: listing the big page: %w", err)
		}
		n += len(p.Records)
	}
	elapsed := time.Since(start)
	if n != page.n {
		return nil, fmt.Errorf("bench: the listing gave %d records, not %d", n, page.n)
	}
	peak, err := peakRSS()
	if err != nil {
		return nil, err
	}
	return []Row{
		{Scenario: "bigpage", Metric: metric, Records: page.n, Value: float64(peak) / (1 << 20)},
		{Scenario: "bigpage", Metric: "seconds", Records: page.n, Value: elapsed.Seconds()},
	}, nil
}

// bigPage is a home whose first page holds every record, as one JSON
// array of about size bytes, written record by record with its length
// announced; later pages are empty. It holds none of it in memory.
type bigPage struct {
	n      int   // records
	length int64 // bytes of the first page
}

func newBigPage(size int64) *bigPage {
	var count countingWriter
	n, length := writeBigPage(&count, func(_ int, written int64) bool { return written < size })
	return &bigPage{n: n, length: length}
}

// writeBigPage writes the first page to w, adding record i while more
// says so (given the bytes written so far), and returns the number of
// records and the page's length.
func writeBigPage(w io.Writer, more func(i int, written int64) bool) (int, int64) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	io.WriteString(w, "[")
	written, i := int64(1), 0
	for ; more(i, written); i++ {
		buf.Reset()
		if i > 0 {
			buf.WriteByte(',')
		}
		enc.Encode(homeItem(i))
		b := bytes.TrimRight(buf.Bytes(), "\n")
		w.Write(b)
		written += int64(len(b))
	}
	io.WriteString(w, "]")
	return i, written + 1
}

func (p *bigPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if page, _ := strconv.Atoi(r.URL.Query().Get("page")); page > 1 {
		io.WriteString(w, "[]")
		return
	}
	w.Header().Set("Content-Length", strconv.FormatInt(p.length, 10))
	writeBigPage(w, func(i int, _ int64) bool { return i < p.n })
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (c *countingWriter) Write(b []byte) (int, error) {
	*c += countingWriter(len(b))
	return len(b), nil
}
