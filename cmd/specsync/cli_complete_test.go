package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/redistest"
)

// TestCompletion: instance ids complete from Redis in every command that
// takes one, --entity from the instance's partner spec; an unreachable
// Redis completes nothing, quietly.
func TestCompletion(t *testing.T) {
	r := redistest.New(t)
	applyTestInstance(t, r, "comp-one")
	applyTestInstance(t, r, "comp-two")
	applyTestInstance(t, r, "other")
	st := stateArgs(r)
	complete := func(args ...string) []string {
		t.Helper()
		code, out, errOut := runCLI(t, append([]string{"__complete"}, args...)...)
		if code != 0 {
			t.Fatalf("__complete %v: exit %d\n%s", args, code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[:len(lines)-1] // the last line is the directive
	}
	for _, cmd := range [][]string{{"sync"}, {"audit"}, {"instances", "delete"}} {
		got := complete(append(append(cmd, st...), "comp")...)
		if strings.Join(got, " ") != "comp-one comp-two" {
			t.Errorf("%v: completions %v, want comp-one comp-two", cmd, got)
		}
	}
	if got := complete(append(append([]string{"plan", "comp-one"}, st...), "--entity", "")...); !equalStrings(got, []string{"building", "contact", "tenant", "unit"}) {
		t.Errorf("--entity: completions %v", got)
	}
	if got := complete(append(append([]string{"erase", "comp-one"}, st...), "--entity", "t")...); !equalStrings(got, []string{"tenant"}) {
		t.Errorf("--entity t: completions %v", got)
	}
	if got := complete(append([]string{"sync", "comp-one"}, append(st, "")...)...); len(got) != 0 {
		t.Errorf("a second argument completes to %v", got)
	}
	code, out, errOut := runCLI(t, "__complete", "sync", "--redis", "redis://127.0.0.1:1/0", "")
	if code != 0 || strings.TrimSpace(out) != ":4" || strings.Contains(errOut, "redis") {
		t.Errorf("unreachable Redis: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

// TestGoRedisLogsAtDebug: go-redis's own line about a failed dial goes to
// the slog logger at debug level, not to standard error.
func TestGoRedisLogsAtDebug(t *testing.T) {
	var logged bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)
	code, _, errOut := runCLI(t, "instances", "list", "--redis", "redis://127.0.0.1:1/0")
	if code != 1 || !strings.Contains(errOut, "does not answer") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if got := logged.String(); !strings.Contains(got, "level=DEBUG") || !strings.Contains(got, "failed to dial") || !strings.Contains(got, "source=go-redis") {
		t.Errorf("go-redis's line is not logged at debug level: %q", got)
	}
}

// equalStrings reports whether a and b hold the same strings in order.
func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}
