package main

import (
	"strings"
	"testing"
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
