package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

func TestServeRefusesWithoutAdminToken(t *testing.T) {
	t.Setenv("SPECSYNC_ADMIN_TOKEN", "")
	// Refused before Redis is ever asked: no server is needed.
	code, _, errOut := runCLI(t, "serve", "--redis", "redis://127.0.0.1:6379/0", "--listen", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "SPECSYNC_ADMIN_TOKEN") || !strings.Contains(errOut, "--insecure-no-admin-token") {
		t.Errorf("serve without a token: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestServeRefusesBadFlags(t *testing.T) {
	for name, args := range map[string][]string{
		"role":     {"serve", "--role", "cook", "--redis", "redis://127.0.0.1:6379/0"},
		"no redis": {"serve", "--redis", ""},
		"sentinel": {"serve", "--redis-sentinel-master", "mymaster"},
		"bad url":  {"serve", "--redis", "http://example.org"},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 || errOut == "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 and a reason", name, code, errOut)
		}
	}
}

// runningServe is `specsync serve` running in the test on its own
// Redis prefix, and so on its own queue.
type runningServe struct {
	base   string
	redis  *redistest.Server
	stderr *bytes.Buffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs serve with args on a free port and waits until it
// answers /readyz.
func startServe(t *testing.T, args ...string) *runningServe {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("serve needs a real Redis: set REDIS_URL")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := newServeCmd()
	s := &runningServe{base: "http://" + addr, stderr: &bytes.Buffer{}, cancel: cancel, done: make(chan error, 1)}
	cmd.SetErr(s.stderr)
	rs := redistest.New(t)
	s.redis = rs
	queue := keys.New(rs.Prefix).Queue()
	t.Cleanup(func() {
		s.stop()
		deleteQueue(rs.Client, queue) // its tasks and its daily statistics
	})
	cmd.SetArgs(append([]string{"--redis", url, "--listen", addr, "--prefix", rs.Prefix, "--shutdown-timeout", "5s"}, args...))
	go func() { s.done <- cmd.ExecuteContext(ctx) }()
	var code int
	for range 200 {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			code = resp.StatusCode
			resp.Body.Close()
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if code != http.StatusOK {
		t.Fatalf("/readyz: %d\n%s", code, s.stderr.String())
	}
	return s
}

// get sends GET path with token (none when empty) and returns the status.
func (s *runningServe) get(t *testing.T, path, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", s.base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// stop ends serve and returns what it returned; a second stop returns nil.
func (s *runningServe) stop() error {
	if s.done == nil {
		return nil
	}
	s.cancel()
	err := <-s.done
	s.done = nil
	return err
}

func TestServeAnswersAndStopsCleanly(t *testing.T) {
	t.Setenv("SPECSYNC_ADMIN_TOKEN", "serve-test-token")
	s := startServe(t)
	if code := s.get(t, "/api/instances", "serve-test-token"); code != http.StatusOK {
		t.Fatalf("GET /api/instances with the token: %d", code)
	}
	if err := s.stop(); err != nil {
		t.Errorf("serve after its context ended: %v\n%s", err, s.stderr.String())
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("serve did not log its shutdown:\n%s", s.stderr.String())
	}
}

// TestServeMetricsNeedAToken: /metrics answers the metrics token or the
// admin token and nothing else, unless serve runs with --metrics-public;
// the metrics token opens no admin endpoint.
func TestServeMetricsNeedAToken(t *testing.T) {
	t.Setenv("SPECSYNC_ADMIN_TOKEN", "serve-admin-token")
	t.Setenv("SPECSYNC_METRICS_TOKEN", "serve-metrics-token")
	closed := startServe(t)
	for tok, want := range map[string]int{"": 401, "wrong": 401, "serve-metrics-token": 200, "serve-admin-token": 200} {
		if code := closed.get(t, "/metrics", tok); code != want {
			t.Errorf("GET /metrics with token %q: %d, want %d", tok, code, want)
		}
	}
	if code := closed.get(t, "/api/instances", "serve-metrics-token"); code != http.StatusUnauthorized {
		t.Errorf("GET /api/instances with the metrics token: %d, want 401", code)
	}
	public := startServe(t, "--metrics-public")
	if code := public.get(t, "/metrics", ""); code != http.StatusOK {
		t.Errorf("GET /metrics without a token under --metrics-public: %d, want 200", code)
	}
	if code := public.get(t, "/api/instances", ""); code != http.StatusUnauthorized {
		t.Errorf("GET /api/instances without a token under --metrics-public: %d, want 401", code)
	}
}
