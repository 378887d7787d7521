package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/internal/jsonvalue"

	"github.com/specsync/specsync/specs"
)

// loadSpec loads a connector spec with kin-openapi and decodes its x-sync
// extension.
func loadSpec(t testing.TB, path string) *specs.Spec {
	t.Helper()
	spec, err := readSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// readSpec loads a spec with specs.Load and refuses one with error
// findings, so the test specs stay valid connector specs.
func readSpec(path string) (*specs.Spec, error) {
	spec, findings, err := specs.Load(path, specs.LoadOptions{})
	if err != nil {
		return nil, err
	}
	if findings.HasErrors() || spec == nil {
		var msgs []string
		for _, f := range findings {
			msgs = append(msgs, f.String())
		}
		return nil, fmt.Errorf("%s has findings:\n%s", path, strings.Join(msgs, "\n"))
	}
	return spec, nil
}

// serve starts a mock of the spec at path behind an httptest server.
func serve(t testing.TB, path string, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := New(loadSpec(t, path), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 3, 1, 23, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// reply is a decoded answer.
type reply struct {
	status int
	header http.Header
	body   any
	raw    []byte
}

// obj returns the body as an object, failing the test otherwise.
func (r reply) obj(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.body.(map[string]any)
	if !ok {
		t.Fatalf("want an object body, got %s (status %d)", r.raw, r.status)
	}
	return m
}

// at returns the value at a dotted path of the body.
func (r reply) at(path string) any {
	v, _ := jsonvalue.Lookup(r.body, path)
	return v
}

// call sends a request with a JSON body (nil for none) and headers given as
// "Name: value" strings.
func call(t testing.TB, method, url string, body any, headers ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := reply{status: res.StatusCode, header: res.Header, raw: raw}
	if len(raw) > 0 {
		if out.body, err = decodeJSON(raw); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v: %s", method, url, err, raw)
		}
	}
	return out
}

// want fails unless the reply has the status.
func (r reply) want(t testing.TB, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// records returns the objects of the array at a dotted path ("" for the
// body itself).
func (r reply) records(t testing.TB, path string) []map[string]any {
	t.Helper()
	v := r.body
	if path != "" {
		v = r.at(path)
	}
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("no array at %q: %s", path, r.raw)
	}
	out := make([]map[string]any, len(list))
	for i, x := range list {
		out[i] = x.(map[string]any)
	}
	return out
}

// keysOf returns the text of the field in each record.
func keysOf(recs []map[string]any, field string) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = textAt(r, field)
	}
	return out
}

// makeKeys returns n keys "prefix-0001" ..., sorted.
func makeKeys(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%04d", prefix, i+1)
	}
	sort.Strings(out)
	return out
}

// sorted returns a sorted copy.
func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return out
}

// num reads a JSON number of a decoded body as an int.
func num(t testing.TB, v any) int {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("want a number, got %#v", v)
	}
	i, err := strconv.Atoi(n.String())
	if err != nil {
		t.Fatalf("want an integer, got %s", n)
	}
	return i
}

// gql sends a GraphQL request.
func gql(t testing.TB, base, query string, vars map[string]any, headers ...string) reply {
	t.Helper()
	env := map[string]any{"query": query}
	if vars != nil {
		env["variables"] = vars
	}
	return call(t, "POST", base+"/graphql", env, headers...)
}

// checkJSON compares got, indented, with a golden file (or rewrites it
// with -update).
func checkJSON(t *testing.T, path string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, got)
	}
	buf.WriteByte('\n')
	golden.Check(t, path, buf.Bytes())
}
