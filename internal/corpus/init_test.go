package corpus_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/specs"
)

// TestInit runs `specsync init` on each document (a copy in a temporary
// folder), then `validate` and `explain` on the overlay it wrote: the
// overlay validates without errors, explain lists its entities, the mock
// serves it and answers each list that needs no path parameter, and the
// document is left byte-for-byte as it was.
func TestInit(t *testing.T) {
	for _, d := range documents {
		t.Run(d.vendor, func(t *testing.T) {
			dir := t.TempDir()
			published, err := os.ReadFile(d.path())
			if err != nil {
				t.Fatal(err)
			}
			doc := filepath.Join(dir, d.file)
			if err := os.WriteFile(doc, published, 0o644); err != nil {
				t.Fatal(err)
			}
			overlay := filepath.Join(dir, "sync.json")
			if out, errOut, st := run(t, "init", doc, "--out", overlay); !st.Success() {
				t.Fatalf("specsync init %s: exit %d\n%s%s", d.file, st.ExitCode(), out, errOut)
			}
			entities := overlayEntities(t, overlay)
			if out, errOut, st := run(t, "validate", overlay); !st.Success() {
				t.Errorf("specsync validate of init's overlay: exit %d\n%s%s", st.ExitCode(), errorLines(out), errOut)
			}
			out, errOut, st := run(t, "explain", overlay)
			if !st.Success() {
				t.Fatalf("specsync explain: exit %d\n%s", st.ExitCode(), firstLines(strings.SplitAfter(errOut, "\n")))
			}
			for _, e := range entities {
				if !strings.Contains(out, "\n"+e+" ") {
					t.Errorf("explain does not list entity %q:\n%s", e, out)
				}
			}
			if !testing.Short() {
				mockLists(t, overlay, entities)
			}
			if after, err := os.ReadFile(doc); err != nil || !bytes.Equal(after, published) {
				t.Errorf("the vendor's document changed (%v)", err)
			}
		})
	}
}

// overlayEntities reads the entity names of the overlay init wrote.
func overlayEntities(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Extends string `json:"extends"`
		Sync    struct {
			Entities map[string]json.RawMessage `json:"entities"`
		} `json:"x-sync"`
	}
	if err := json.Unmarshal(data, &o); err != nil {
		t.Fatalf("init's overlay: %v\n%s", err, data)
	}
	if o.Extends == "" || len(o.Sync.Entities) == 0 {
		t.Fatalf("init's overlay extends %q with %d entities; want the document and at least one:\n%s", o.Extends, len(o.Sync.Entities), data)
	}
	var names []string
	for name := range o.Sync.Entities {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// mockLists serves the overlay with the mock and lists each entity whose
// list operation has no path parameter.
func mockLists(t *testing.T, overlay string, entities []string) {
	t.Helper()
	spec, fs, err := specs.Load(overlay, loadOptions())
	if err != nil || fs.HasErrors() {
		t.Fatalf("init's overlay does not load: %v\n%s", err, errorsOf(fs))
	}
	srv, err := mock.New(spec, mock.Options{Seed: 1})
	if err != nil {
		t.Fatalf("the mock refuses init's overlay: %v", err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	for _, name := range entities {
		e, _ := spec.Entity(name)
		if e.List == nil {
			continue
		}
		op, ok := spec.Operation(e.List.Operation)
		if !ok || strings.Contains(op.Path, "{") || hasRequiredParams(op) {
			continue
		}
		if status, body := send(t, hs.URL, nil, request{method: http.MethodGet, path: op.Path}); status != http.StatusOK {
			t.Errorf("mock: GET %s (%s.list): %d %s", op.Path, name, status, body)
		}
	}
}

// errorLines keeps the lines of validate's text output that report errors.
func errorLines(out string) string {
	var lines []string
	for line := range strings.Lines(out) {
		if strings.Contains(line, ": error[") {
			lines = append(lines, line)
		}
	}
	return firstLines(lines)
}

// hasRequiredParams reports whether the operation needs a parameter the
// list request above does not send.
func hasRequiredParams(op *specs.OperationRef) bool {
	for _, p := range slices.Concat(op.PathItem.Parameters, op.Operation.Parameters) {
		if p.Value != nil && p.Value.Required {
			return true
		}
	}
	return false
}
