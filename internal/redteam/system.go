package redteam

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is how a hostile system answers an operation instead of
// correctly.
type Fault string

// The faults a System can answer with.
const (
	// FaultNone answers correctly.
	FaultNone Fault = ""
	// FaultGarbage answers 200 with bytes that are not JSON.
	FaultGarbage Fault = "garbage"
	// FaultHTML answers 200 with an HTML error page.
	FaultHTML Fault = "html"
	// FaultHuge answers 200 with a JSON body of HugeBytes.
	FaultHuge Fault = "huge"
	// FaultEndless answers 200 with a JSON array that never ends.
	FaultEndless Fault = "endless"
	// FaultNested answers 200 with JSON nested NestDepth deep.
	FaultNested Fault = "nested"
	// FaultForeignNext answers the first page of a listing with a next
	// link to another host.
	FaultForeignNext Fault = "foreign-next"
	// FaultForeignRedirect redirects to another host.
	FaultForeignRedirect Fault = "foreign-redirect"
	// FaultEmptyCreated answers a create with 201 and no body.
	FaultEmptyCreated Fault = "empty-201"
	// FaultHugeHeader answers with 2 MiB of response headers.
	FaultHugeHeader Fault = "huge-header"
	// FaultSlowLoris sends the headers, then a byte of body now and then,
	// forever.
	FaultSlowLoris Fault = "slow-loris"
	// FaultUnauthorized answers 401 with a body that repeats the
	// credential the request carried.
	FaultUnauthorized Fault = "unauthorized"
)

// Sizes of the hostile bodies.
const (
	// HugeBytes is the size of FaultHuge's body: above the clients' 64 MiB
	// response cap.
	HugeBytes = 80 << 20
	// NestDepth is FaultNested's depth: far above what a JSON decoder
	// should follow.
	NestDepth = 1 << 20
	// HeaderBytes is FaultHugeHeader's header size.
	HeaderBytes = 2 << 20
)

// System is an HTTP system holding items in memory, as a home (listing
// and reading them) or a partner (listing, creating, updating and finding
// them by key): the API of fixture/home.json and fixture/partner.json.
// The partner assigns ids and has no uniqueness check, so a create sent
// twice makes two items. Its operations answer with the fault set by
// SetFault. It checks the credential each request carries and answers
// 401, repeating what it got, when it is wrong. A System is safe for
// concurrent use.
type System struct {
	srv *httptest.Server
	// header and want are the auth header and its expected value.
	header, want string
	// foreign is the URL of another host, for foreign links.
	foreign string

	mu      sync.Mutex
	items   []map[string]any
	nextID  int
	fault   Fault
	faultOn string
	latency time.Duration

	requests atomic.Int64
	writes   atomic.Int64
	faults   atomic.Int64
}

// newSystem starts a system that wants header to be want.
func newSystem(header, want, foreign string) *System {
	s := &System{header: header, want: want, foreign: foreign}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", s.list)
	mux.HandleFunc("POST /items", s.create)
	mux.HandleFunc("GET /items/by-key/{key}", s.find)
	mux.HandleFunc("GET /items/{id}", s.get)
	mux.HandleFunc("PUT /items/{id}", s.update)
	s.srv = httptest.NewServer(s.guard(mux))
	return s
}

// URL is the system's base URL.
func (s *System) URL() string { return s.srv.URL }

// Close stops the system's server.
func (s *System) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// SetFault makes the operations op ("list", "create", "update", "get",
// "find", or "" for all) answer with f; FaultNone heals them.
func (s *System) SetFault(op string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault, s.faultOn = f, op
}

// SetLatency delays every write by d.
func (s *System) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Seed replaces the items.
func (s *System) Seed(items []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = items
}

// Items is a copy of the items.
func (s *System) Items() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, len(s.items))
	for i, it := range s.items {
		c := make(map[string]any, len(it))
		for k, v := range it {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

// Writes counts the creates and updates the system took.
func (s *System) Writes() int64 { return s.writes.Load() }

// Faults counts the answers that were faults.
func (s *System) Faults() int64 { return s.faults.Load() }

// Requests counts every request.
func (s *System) Requests() int64 { return s.requests.Load() }

// guard counts requests and refuses a wrong credential.
func (s *System) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		got := r.Header.Get(s.header)
		if got != s.want || s.faultFor(r) == FaultUnauthorized {
			writeJSON(w, http.StatusUnauthorized, map[string]any{
				"error": "invalid credential", "received": got, "query": r.URL.RawQuery})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// faultFor is the fault the request's operation answers with.
func (s *System) faultFor(r *http.Request) Fault {
	op := "list"
	switch {
	case r.Method == http.MethodPost:
		op = "create"
	case r.Method == http.MethodPut:
		op = "update"
	case strings.HasPrefix(r.URL.Path, "/items/by-key/"):
		op = "find"
	case r.URL.Path != "/items":
		op = "get"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faultOn != "" && s.faultOn != op {
		return FaultNone
	}
	return s.fault
}

// hostile answers with the fault f and reports whether it did.
func (s *System) hostile(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f == FaultNone || f == FaultEmptyCreated || f == FaultForeignNext {
		return false
	}
	s.faults.Add(1)
	switch f {
	case FaultGarbage:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("\x00\xff\xfe{\"items\": [garbage}}\x1b[2J"))
	case FaultHTML:
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Oops</h1></body></html>")
	case FaultHuge:
		w.Header().Set("Content-Type", "application/json")
		writeHuge(w)
	case FaultEndless:
		w.Header().Set("Content-Type", "application/json")
		writeEndless(w, r)
	case FaultNested:
		w.Header().Set("Content-Type", "application/json")
		writeNested(w)
	case FaultForeignRedirect:
		http.Redirect(w, r, s.foreign+r.URL.RequestURI(), http.StatusFound)
	case FaultHugeHeader:
		w.Header().Set("X-Padding", strings.Repeat("a", HeaderBytes))
		writeJSON(w, http.StatusOK, map[string]any{"items": []any{}})
	case FaultSlowLoris:
		writeSlowly(w, r)
	}
	return true
}

// list answers a page of the items and a next link while more follow.
func (s *System) list(w http.ResponseWriter, r *http.Request) {
	if f := s.faultFor(r); s.hostile(w, r, f) {
		return
	}
	if s.faultFor(r) == FaultForeignNext {
		// The page sends a record and a next link to another host.
		s.faults.Add(1)
		items := s.Items()
		writeJSON(w, http.StatusOK, map[string]any{"items": items[:min(1, len(items))], "next": s.foreign + "/items?cursor=1&limit=50"})
		return
	}
	q := r.URL.Query()
	from, _ := strconv.Atoi(q.Get("cursor"))
	size, err := strconv.Atoi(q.Get("limit"))
	if err != nil || size <= 0 {
		size = 50
	}
	items := s.Items()
	from = min(max(from, 0), len(items))
	to := min(from+size, len(items))
	page := map[string]any{"items": items[from:to]}
	if to < len(items) {
		page["next"] = fmt.Sprintf("%s/items?cursor=%d&limit=%d", s.srv.URL, to, size)
	}
	writeJSON(w, http.StatusOK, page)
}

// get answers one item by its id.
func (s *System) get(w http.ResponseWriter, r *http.Request) {
	if s.hostile(w, r, s.faultFor(r)) {
		return
	}
	s.answerItem(w, "id", r.PathValue("id"))
}

// find answers one item by its external key.
func (s *System) find(w http.ResponseWriter, r *http.Request) {
	if s.hostile(w, r, s.faultFor(r)) {
		return
	}
	s.answerItem(w, "externalId", r.PathValue("key"))
}

// answerItem answers the first item whose field is v, or 404.
func (s *System) answerItem(w http.ResponseWriter, field, v string) {
	for _, it := range s.Items() {
		if it[field] == v {
			writeJSON(w, http.StatusOK, it)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
}

// create stores a new item under an id of the system's own; a fault
// answers after the item is stored, as a partner whose proxy or error
// handling garbles the answer does.
func (s *System) create(w http.ResponseWriter, r *http.Request) {
	f := s.faultFor(r)
	body, ok := readItem(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.nextID++
	body["id"] = "p-" + strconv.Itoa(s.nextID)
	s.items = append(s.items, body)
	latency := s.latency
	s.mu.Unlock()
	s.writes.Add(1)
	time.Sleep(latency)
	if s.hostile(w, r, f) {
		return
	}
	if f == FaultEmptyCreated {
		s.faults.Add(1)
		w.WriteHeader(http.StatusCreated)
		return
	}
	writeJSON(w, http.StatusCreated, body)
}

// update replaces an item's fields.
func (s *System) update(w http.ResponseWriter, r *http.Request) {
	if s.hostile(w, r, s.faultFor(r)) {
		return
	}
	body, ok := readItem(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	body["id"] = id
	s.mu.Lock()
	found := false
	for i, it := range s.items {
		if it["id"] == id {
			s.items[i], found = body, true
			break
		}
	}
	latency := s.latency
	s.mu.Unlock()
	if !found {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "no item " + id})
		return
	}
	s.writes.Add(1)
	time.Sleep(latency)
	writeJSON(w, http.StatusOK, body)
}

// readItem decodes a request body, or answers 400.
func readItem(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var body map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return nil, false
	}
	return body, true
}

// writeHuge writes a JSON page of HugeBytes whose one record has a huge
// field.
func writeHuge(w io.Writer) {
	io.WriteString(w, `{"items": [{"id": "huge", "name": "`)
	chunk := strings.Repeat("x", 64<<10)
	for n := 0; n < HugeBytes; n += len(chunk) {
		if _, err := io.WriteString(w, chunk); err != nil {
			return
		}
	}
	io.WriteString(w, `"}]}`)
}

// writeEndless writes records until the client goes away.
func writeEndless(w io.Writer, r *http.Request) {
	io.WriteString(w, `{"items": [`)
	rec := []byte(`{"id": "again", "name": "and again"},`)
	batch := []byte(strings.Repeat(string(rec), 1024))
	for r.Context().Err() == nil {
		if _, err := w.Write(batch); err != nil {
			return
		}
	}
}

// writeNested writes a record whose value is nested NestDepth arrays deep.
func writeNested(w io.Writer) {
	io.WriteString(w, `{"items": [{"id": "deep", "name": "deep", "data": {"v": `)
	open := []byte(strings.Repeat("[", 4096))
	for n := 0; n < NestDepth; n += len(open) {
		if _, err := w.Write(open); err != nil {
			return
		}
	}
	closing := []byte(strings.Repeat("]", 4096))
	for n := 0; n < NestDepth; n += len(closing) {
		if _, err := w.Write(closing); err != nil {
			return
		}
	}
	io.WriteString(w, `}}]}`)
}

// writeSlowly sends the headers, then a byte a second until the client
// goes away.
func writeSlowly(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	for _, b := range []byte(`{"items": [                                                    `) {
		if _, err := w.Write([]byte{b}); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(time.Second):
		}
	}
	<-r.Context().Done()
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Foreign is another host, which no request of a run may reach.
type Foreign struct {
	srv  *httptest.Server
	hits atomic.Int64
}

// newForeign starts a foreign host that counts its requests and answers
// an empty page.
func newForeign() *Foreign {
	f := &Foreign{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		f.hits.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"items": []any{}})
	}))
	return f
}

// Hits counts the requests the foreign host got.
func (f *Foreign) Hits() int64 { return f.hits.Load() }

// Close stops the foreign host.
func (f *Foreign) Close() { f.srv.Close() }
