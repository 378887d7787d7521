package connectors_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
)

// loadSpec loads a spec from testdata with specs.LoadBytes and fails on
// findings that are errors: the test specs must be valid specs.
func loadSpec(t testing.TB, name string) *specs.Spec {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	spec, findings, err := specs.LoadBytes(name, data, specs.LoadOptions{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if findings.HasErrors() {
		for _, f := range findings {
			t.Log(f.String())
		}
		t.Fatalf("%s has findings", name)
	}
	return spec
}

// tenantsAPI is an in-memory implementation of testdata/rest.json. Fault,
// when set, sees every request first and may answer it instead.
type tenantsAPI struct {
	srv   *httptest.Server
	mu    sync.Mutex
	byID  map[string]map[string]any
	order []string
	seq   int
	hits  atomic.Int64
	fault func(w http.ResponseWriter, r *http.Request) bool
	seen  []*http.Request
}

func newTenantsAPI(t testing.TB) *tenantsAPI {
	a := &tenantsAPI{byID: map[string]map[string]any{}}
	a.srv = httptest.NewServer(http.StripPrefix("/api/v1", http.HandlerFunc(a.serve)))
	t.Cleanup(a.srv.Close)
	return a
}

// client builds a client for the API; cfg's BaseURL and Clock are filled
// when empty.
func (a *tenantsAPI) client(t testing.TB, cfg connectors.Config) *connectors.Client {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = a.srv.URL + "/api/v1"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.NewManual(time.Now())
	}
	if cfg.Logger == nil {
		cfg.Logger = (&connectortest.Logs{}).Logger()
	}
	c, err := connectors.New(loadSpec(t, "rest.json"), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func (a *tenantsAPI) add(rec map[string]any) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	id := fmt.Sprintf("t-%d", a.seq)
	rec["id"] = id
	a.byID[id] = rec
	a.order = append(a.order, id)
	return id
}

func (a *tenantsAPI) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.byID)
}

func (a *tenantsAPI) requests() []*http.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*http.Request(nil), a.seen...)
}

func (a *tenantsAPI) serve(w http.ResponseWriter, r *http.Request) {
	a.hits.Add(1)
	a.mu.Lock()
	a.seen = append(a.seen, r.Clone(r.Context()))
	a.mu.Unlock()
	if a.fault != nil && a.fault(w, r) {
		return
	}
	rest, hasID := strings.CutPrefix(r.URL.Path, "/tenants/")
	switch {
	case r.URL.Path == "/tenants" && r.Method == http.MethodGet:
		a.list(w, r)
	case r.URL.Path == "/tenants" && r.Method == http.MethodPost:
		a.create(w, r)
	case r.URL.Path == "/tenants/search":
		a.search(w, r)
	case strings.HasPrefix(r.URL.Path, "/tenants/by-key/"):
		a.upsert(w, r, strings.TrimPrefix(r.URL.Path, "/tenants/by-key/"))
	case hasID:
		a.one(w, r, rest)
	default:
		http.NotFound(w, r)
	}
}

func decodeBody(r *http.Request) map[string]any {
	var m map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

func (a *tenantsAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, size := atoi(q.Get("page")), atoi(q.Get("pageSize"))
	a.mu.Lock()
	var all []map[string]any
	for _, id := range a.order {
		if rec, ok := a.byID[id]; ok {
			all = append(all, rec)
		}
	}
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"items": window(all, (page-1)*size, size), "total": len(all)})
}

func (a *tenantsAPI) create(w http.ResponseWriter, r *http.Request) {
	rec := decodeBody(r)
	if rec == nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	a.add(rec)
	writeJSON(w, http.StatusCreated, rec)
}

func (a *tenantsAPI) search(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("externalId")
	a.mu.Lock()
	items := []map[string]any{}
	for _, id := range a.order {
		if rec, ok := a.byID[id]; ok && rec["externalId"] == key {
			items = append(items, rec)
		}
	}
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (a *tenantsAPI) upsert(w http.ResponseWriter, r *http.Request, key string) {
	rec := decodeBody(r)
	a.mu.Lock()
	for id, old := range a.byID {
		if old["externalId"] == key {
			rec["id"] = id
			a.byID[id] = rec
			a.mu.Unlock()
			writeJSON(w, http.StatusOK, map[string]any{"result": rec})
			return
		}
	}
	a.mu.Unlock()
	a.add(rec)
	writeJSON(w, http.StatusOK, map[string]any{"result": rec})
}

func (a *tenantsAPI) one(w http.ResponseWriter, r *http.Request, id string) {
	a.mu.Lock()
	rec, ok := a.byID[id]
	a.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "no tenant " + id})
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"tenant": rec})
	case http.MethodPut:
		upd := decodeBody(r)
		upd["id"] = id
		a.mu.Lock()
		a.byID[id] = upd
		a.mu.Unlock()
		writeJSON(w, http.StatusOK, upd)
	case http.MethodDelete:
		a.mu.Lock()
		delete(a.byID, id)
		a.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}
}
