package engine

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/redistest"
)

// buildBinary builds the specsync command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "specsync")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/specsync")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// moduleRoot is the folder of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod above the engine package: %v", err)
	}
	return dir
}

// redisURL is a URL a child process can reach the test's Redis at.
func redisURL(srv *redistest.Server) string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://" + srv.Mini.Addr()
}

// TestCrashAndResumeWithoutDuplicates kills `specsync sync` with SIGKILL
// after a number of partner writes, several times, then runs it to the
// end: the partner, which creates a second record for a repeated create,
// must hold exactly the home's records.
func TestCrashAndResumeWithoutDuplicates(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildBinary(t)
	srv := redistest.New(t)
	h := newHarnessOn(t, srv, "create")
	if err := h.partner.SetOptions(mockOptions{Now: h.clock.Now, DuplicateCreates: true, Latency: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	data := newHomeData(5, 8)
	h.seedHome(data)
	ApplyInstance(t, instance.NewInstanceStore(h.rdb, h.ns), h.inst)
	args := []string{"sync", h.inst.ID, "--redis", redisURL(srv), "--key-prefix", h.ns.Prefix()}
	for _, after := range []int64{3, 30, 47, 81, 120} {
		code := runUntilWrites(t, bin, args, h, after)
		t.Logf("killed after %d partner writes (exit %d)", h.partner.Stats().Writes(), code)
	}
	for i := 0; ; i++ {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err == nil {
			break
		}
		if i == 1 {
			t.Fatalf("two runs after the crashes did not finish clean: %v\n%s", err, out)
		}
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data after crashes (-want +got):\n%s", d)
	}
}

// runUntilWrites starts a sync and kills it with SIGKILL once the partner
// has counted n writes in all; it returns the exit code (-1 when killed).
func runUntilWrites(t *testing.T, bin string, args []string, h *harness, n int64) int {
	t.Helper()
	var out strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			return exitCode(err)
		case <-time.After(200 * time.Microsecond):
		}
		if h.partner.Stats().Writes() >= n {
			if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Fatal(err)
			}
			return exitCode(<-done)
		}
	}
}

// exitCode reads the exit code of a finished command.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return 0
}
