package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

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

func TestServeAnswersAndStopsCleanly(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("serve needs a real Redis: set REDIS_URL")
	}
	t.Setenv("SPECSYNC_ADMIN_TOKEN", "serve-test-token")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := newServeCmd()
	var stderr bytes.Buffer
	cmd.SetErr(&stderr)
	rs := redistest.New(t)
	queue := fmt.Sprintf("specsync-test-serve-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		if err := asynq.NewInspectorFromRedisClient(rs.Client).DeleteQueue(queue, true); err != nil {
			t.Logf("delete queue: %v", err)
		}
	})
	cmd.SetArgs([]string{"--redis", url, "--listen", addr, "--prefix", rs.Prefix, "--queue", queue, "--shutdown-timeout", "5s"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	base := "http://" + addr
	var code int
	for range 200 {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			code = resp.StatusCode
			resp.Body.Close()
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if code != http.StatusOK {
		t.Fatalf("/readyz: %d\n%s", code, stderr.String())
	}
	req, _ := http.NewRequest("GET", base+"/api/instances", nil)
	req.Header.Set("Authorization", "Bearer serve-test-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/instances with the token: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve after its context ended: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("serve did not log its shutdown:\n%s", stderr.String())
	}
}
