package engine

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/redistest"
)

// TestRunListParamsSeeTheInstance: a list operation's parameter templates
// read the instance (a vendor's required tenant header, say), and every
// listing of the run sends the rendered value.
func TestRunListParamsSeeTheInstance(t *testing.T) {
	home := editedSpec(t, "home.json", func(doc map[string]any) {
		get := doc["paths"].(map[string]any)["/buildings"].(map[string]any)["get"].(map[string]any)
		get["parameters"] = append(get["parameters"].([]any), map[string]any{
			"name": "X-Source", "in": "header", "required": true, "schema": map[string]any{"type": "string"},
		})
		specEntity(doc, "building")["list"].(map[string]any)["params"] = map[string]any{"x-source": "{{ instance.source }}-{{ instance.id }}"}
	})
	h := newHarnessSpecs(t, redistest.New(t), home, testdataPath("partner_upsert.json"))
	h.seedHome(newHomeData(3, 2))

	var mu sync.Mutex
	var sent []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/buildings" {
			mu.Lock()
			sent = append(sent, r.Header.Get("X-Source"))
			mu.Unlock()
		}
		h.home.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	h.inst.Home.BaseURL = hs.URL
	h.reload()

	sum := h.run(RunOptions{})
	if sum.Status() != StatusClean {
		t.Fatalf("run: %s", summaryText(sum))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) == 0 {
		t.Fatal("the buildings were never listed")
	}
	for _, v := range sent {
		if v != "specsync-test-test-inst" {
			t.Fatalf("a listing sent X-Source %q, want the instance's %q", v, "specsync-test-test-inst")
		}
	}
}

// TestRunGetParamsSeeTheInstance: a get operation's parameter templates
// read the instance too: a record synchronised by its key (a webhook's)
// is read with the rendered value.
func TestRunGetParamsSeeTheInstance(t *testing.T) {
	home := editedSpec(t, "home.json", func(doc map[string]any) {
		get := doc["paths"].(map[string]any)["/units/{id}"].(map[string]any)["get"].(map[string]any)
		get["parameters"] = append(get["parameters"].([]any), map[string]any{
			"name": "X-Source", "in": "header", "required": true, "schema": map[string]any{"type": "string"},
		})
		specEntity(doc, "unit")["get"].(map[string]any)["params"].(map[string]any)["X-Source"] = "{{ instance.source }}"
	})
	h := newHarnessSpecs(t, redistest.New(t), home, testdataPath("partner_upsert.json"))
	h.seedHome(newHomeData(2, 3))

	var mu sync.Mutex
	var sent []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/units/") {
			mu.Lock()
			sent = append(sent, r.URL.Path+" "+r.Header.Get("X-Source"))
			mu.Unlock()
		}
		h.home.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	h.inst.Home.BaseURL = hs.URL
	h.reload()
	h.run(RunOptions{}) // the unit's building is at the partner
	mu.Lock()
	sent = nil
	mu.Unlock()
	if sum := h.run(RunOptions{Direction: instance.Push, Entity: "unit", Keys: []string{"u1"}}); sum.Status() != StatusClean {
		t.Fatalf("run: %s", summaryText(sum))
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"/units/u1 specsync-test"}; !slices.Equal(sent, want) {
		t.Fatalf("reads %q, want %q", sent, want)
	}
}
