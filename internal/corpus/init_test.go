package corpus_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestInit runs `specsync init` on each document (a copy in a temporary
// folder), then `validate` and `explain` on the overlay it wrote: the
// overlay validates without errors, explain lists its entities, `specsync
// mock` serves it and answers each list that needs no parameter, and the
// document is left byte-for-byte as it was. Everything heavy runs in the
// built command, so the race detector does not slow it down.
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
			for _, e := range slices.Sorted(maps.Keys(entities)) {
				if !strings.Contains(out, "\n"+e+" ") {
					t.Errorf("explain does not list entity %q:\n%s", e, out)
				}
			}
			mockLists(t, overlay, entities, out)
			if after, err := os.ReadFile(doc); err != nil || !bytes.Equal(after, published) {
				t.Errorf("the vendor's document changed (%v)", err)
			}
		})
	}
}

// entity is what the test reads of an entity init wrote.
type entity struct {
	Todo []string `json:"todo"`
	List struct {
		Params map[string]string `json:"params"`
	} `json:"list"`
}

// listQuery is the query of the entity's list: its params, when each is a
// constant, taken as query parameters; false when init left a parameter
// to fill or wrote a template.
func (e entity) listQuery() (string, bool) {
	for _, note := range e.Todo {
		if strings.Contains(note, "list.params.") {
			return "", false
		}
	}
	q := url.Values{}
	for name, v := range e.List.Params {
		if strings.Contains(v, "{") {
			return "", false
		}
		q.Set(name, v)
	}
	if len(q) == 0 {
		return "", true
	}
	return "?" + q.Encode(), true
}

// overlayEntities reads the entities of the overlay init wrote.
func overlayEntities(t *testing.T, path string) map[string]entity {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Extends string `json:"extends"`
		Sync    struct {
			Entities map[string]entity `json:"entities"`
		} `json:"x-sync"`
	}
	if err := json.Unmarshal(data, &o); err != nil {
		t.Fatalf("init's overlay: %v\n%s", err, data)
	}
	if o.Extends == "" || len(o.Sync.Entities) == 0 {
		t.Fatalf("init's overlay extends %q with %d entities; want the document and at least one:\n%s", o.Extends, len(o.Sync.Entities), data)
	}
	return o.Sync.Entities
}

// mockLists serves the overlay with `specsync mock` and lists each entity
// whose list operation, as explain printed it, has no path parameter and
// only constant params.
func mockLists(t *testing.T, overlay string, entities map[string]entity, explained string) {
	t.Helper()
	base := startMock(t, overlay)
	paths := listPaths(explained)
	if len(paths) == 0 {
		t.Fatalf("explain shows no list operation:\n%s", explained)
	}
	served := 0
	for name, path := range paths {
		query, ok := entities[name].listQuery()
		if !ok || strings.Contains(path, "{") {
			continue
		}
		if status, body := send(t, base, nil, request{method: http.MethodGet, path: path + query}); status != http.StatusOK {
			t.Errorf("mock: GET %s (%s.list): %d %s", path, name, status, body)
		}
		served++
	}
	t.Logf("the mock served %d of %d lists (the others need parameters)", served, len(paths))
}

// listRow is a row of explain's table for a list action: entity first,
// then the operationId, method and path.
var listRow = regexp.MustCompile(`(?m)^(\S+)\s.*\slist\s+\S+ GET (/\S*)`)

// listPaths reads each entity's list path from explain's table.
func listPaths(explained string) map[string]string {
	out := map[string]string{}
	for _, m := range listRow.FindAllStringSubmatch(explained, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// startMock runs `specsync mock` on the overlay at a free port until the
// test ends and returns its base URL.
func startMock(t *testing.T, overlay string) string {
	t.Helper()
	cmd := exec.Command(specsync(t), "mock", overlay, "--addr", "127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := servingOn.FindStringSubmatch(line)
	if m == nil {
		cmd.Wait()
		t.Fatalf("specsync mock did not start (%v): %s%s", err, line, firstLines(strings.SplitAfter(stderr.String(), "\n")))
	}
	return m[1]
}

// servingOn finds the address in the line `specsync mock` starts with.
var servingOn = regexp.MustCompile(`serving on (http://\S+)`)

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
