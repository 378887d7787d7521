package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheckExitCodes: 0 for a 2xx answer, 1 for another status or
// no answer, 2 for something that is not an http URL.
func TestHealthcheckExitCodes(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.Error(w, "redis down", http.StatusServiceUnavailable)
		}
	}))
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, c := range []struct {
		url  string
		code int
		want string
	}{
		{hs.URL + "/readyz", 0, ""},
		{hs.URL + "/healthz", 1, "503"},
		{closed.URL + "/readyz", 1, "connect"},
		{"ftp://x.test/readyz", 2, "http://"},
	} {
		code, _, errOut := runCLI(t, "healthcheck", "--timeout", "2s", c.url)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("healthcheck %s: exit %d, stderr %q; want %d and %q", c.url, code, errOut, c.code, c.want)
		}
	}
	hs.Close()
}
