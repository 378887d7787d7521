package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// scopeMonitor narrows the queue monitor at root to the installation's
// queue: the queue list and the daily statistics show that queue alone,
// and a request about another queue's tasks is answered 404, so that on a
// shared Redis one installation's operators neither see nor touch
// another's tasks. (The monitor's pages of servers and scheduler entries
// still list every installation's.)
func scopeMonitor(next http.Handler, root, queue string) http.Handler {
	api := root + "/api/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, api)
		switch {
		case !ok:
			next.ServeHTTP(w, r)
		case rest == "queues" || rest == "queue_stats":
			filterMonitorAnswer(next, w, r, queue)
		case strings.HasPrefix(rest, "queues/") && !ownQueue(strings.TrimPrefix(rest, "queues/"), queue):
			http.Error(w, "not this installation's queue; it has "+queue, http.StatusNotFound)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// ownQueue reports whether the monitor path after "queues/" is about
// queue: "QUEUE", "QUEUE:pause", "QUEUE/pending_tasks"...
func ownQueue(path, queue string) bool {
	seg, _, _ := strings.Cut(path, "/")
	return seg == queue || seg == queue+":pause" || seg == queue+":resume"
}

// filterMonitorAnswer passes the request on and keeps, of its JSON
// answer, the queue list's and the statistics' entries of queue.
func filterMonitorAnswer(next http.Handler, w http.ResponseWriter, r *http.Request, queue string) {
	rec := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(rec, r)
	body := rec.body.Bytes()
	if rec.status == http.StatusOK {
		if kept, err := keepQueue(body, queue); err == nil {
			body = kept
		}
	}
	for k, v := range rec.header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(body) // a client gone away is not the server's failure
}

// keepQueue filters {"queues": [{"queue": name...}]} and {"stats":
// {name: ...}} to queue's entries.
func keepQueue(body []byte, queue string) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if raw, ok := doc["queues"]; ok {
		var qs []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &qs); err != nil {
			return nil, err
		}
		kept := []map[string]json.RawMessage{}
		for _, q := range qs {
			var name string
			if json.Unmarshal(q["queue"], &name) == nil && name == queue {
				kept = append(kept, q)
			}
		}
		doc["queues"], _ = json.Marshal(kept) // re-encoding decoded JSON does not fail
	}
	if raw, ok := doc["stats"]; ok {
		var stats map[string]json.RawMessage
		if err := json.Unmarshal(raw, &stats); err != nil {
			return nil, err
		}
		kept := map[string]json.RawMessage{}
		if s, ok := stats[queue]; ok {
			kept[queue] = s
		}
		doc["stats"], _ = json.Marshal(kept)
	}
	return json.Marshal(doc)
}

// bufferedResponse holds an answer for filterMonitorAnswer.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
