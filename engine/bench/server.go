package bench

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/specs"
)

// serve serves h on a loopback port and returns its base URL and the
// function that stops it.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("bench: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// mockServer is the spec-driven mock of a fixture document (home.json or
// partner.json), without request validation: the mock stands for a
// remote system, whose checks cost nothing here.
func mockServer(dir, name string, latency time.Duration) (*mock.Server, error) {
	s, fs, err := specs.Load(filepath.Join(dir, name), specs.LoadOptions{})
	if err == nil && fs.HasErrors() {
		err = fmt.Errorf("%s has findings: %v", name, fs)
	}
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	return mock.New(s, mock.Options{NoValidation: true, Latency: latency})
}

// seedItems seeds m with n home items, ten thousand at a time.
func seedItems(m *mock.Server, n int) error {
	const step = 10_000
	for start := 0; start < n; start += step {
		batch := make([]map[string]any, 0, step)
		for i := start; i < min(start+step, n); i++ {
			batch = append(batch, homeItem(i))
		}
		if err := m.Seed("item", batch); err != nil {
			return fmt.Errorf("bench: seeding the home: %w", err)
		}
	}
	return nil
}

// generatedHome serves n generated items page by page, holding none in
// memory, so that a memory measurement sees the engine alone.
func generatedHome(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		from := (max(page, 1) - 1) * size
		items := make([]map[string]any, 0, max(size, 0))
		for i := from; i < min(from+size, n); i++ {
			items = append(items, homeItem(i))
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
