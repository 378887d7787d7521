package corpus_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors/mock"
)

// TestMockServesListAndCreate serves each overlay with the mock, as
// `specsync mock` does, creates one record of its entity and finds it in
// the entity's list.
func TestMockServesListAndCreate(t *testing.T) {
	for _, d := range documents {
		t.Run(d.vendor, func(t *testing.T) {
			skipLargestInShort(t, d)
			spec, fs, err := load(d.overlay())
			if err != nil || fs.HasErrors() {
				t.Fatalf("%s does not load (TestLoad says why): %v", d.overlay(), err)
			}
			srv, err := mock.New(spec, mock.Options{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			defer hs.Close()
			status, body := send(t, hs.URL, d.header, d.create)
			if status/100 != 2 {
				t.Fatalf("%s %s: %d %s", d.create.method, d.create.path, status, body)
			}
			status, body = send(t, hs.URL, d.header, request{method: "GET", path: d.list})
			if status != http.StatusOK || !strings.Contains(body, d.created) {
				t.Fatalf("GET %s: %d %s; want 200 with the created %q", d.list, status, body, d.created)
			}
			st := srv.Stats()
			if st.Creates != 1 || st.ByOperation[d.entity+".create"] != 1 || st.ByOperation[d.entity+".list"] != 1 {
				t.Errorf("served %v with %d creates; want one %s.create and one %s.list", st.ByOperation, st.Creates, d.entity, d.entity)
			}
		})
	}
}

// send sends r to the server at base with the headers given.
func send(t *testing.T, base string, header map[string]string, r request) (int, string) {
	t.Helper()
	req, err := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}
