package redteam_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/internal/redteam"
)

var long = flag.Bool("redteam.long", false, "also run the long red-team cases (large bodies, slow-loris)")

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binOut  []byte
)

// specsyncBinary builds the specsync command once for the package's
// tests.
func specsyncBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "redteam-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "specsync")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/specsync")
		cmd.Dir = filepath.Join("..", "..")
		binOut, binErr = cmd.CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binOut)
	}
	return binPath
}

// redisURL is a URL the commands reach the test's Redis at.
func redisURL(srv *redistest.Server) string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://" + srv.Mini.Addr()
}

// TestRedTeam runs every red-team case against the specsync binary, each
// in parallel with its own systems, Redis prefix and canaries.
func TestRedTeam(t *testing.T) {
	bin := specsyncBinary(t)
	for _, c := range redteam.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			if c.Long && !*long {
				t.Skip("a long case; run with -redteam.long")
			}
			srv := redistest.New(t)
			opts := redteam.Options{Bin: bin, RedisURL: redisURL(srv), Prefix: srv.Prefix, Dir: t.TempDir()}
			if err := redteam.RunCase(context.Background(), c, opts); err != nil {
				t.Errorf("%s\nexpected: %s\n%v", c.Name, c.Expect, err)
			}
		})
	}
}

// TestRedisKilledMidRun kills the Redis server, as a crash would, while
// `specsync sync` writes to the partner: the run must end with a clear
// error and a non-zero exit, and once Redis is back (with what it had
// written to disk) a rerun converges, without duplicates.
func TestRedisKilledMidRun(t *testing.T) {
	t.Parallel()
	bin := specsyncBinary(t)
	proc := redistest.NewProcess(t)
	ctx := context.Background()
	e, err := redteam.NewEnv(ctx, redteam.Options{Bin: bin, RedisURL: proc.URL(), Prefix: "specsync-redteam:", Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	items := make([]map[string]any, 200)
	for i := range items {
		items[i] = map[string]any{"id": fmt.Sprintf("item-%03d", i), "name": fmt.Sprintf("Item %d", i), "note": "plain"}
	}
	e.Home.Seed(items)
	e.Partner.SetLatency(5 * time.Millisecond)
	done := make(chan redteam.Result, 1)
	go func() { done <- e.Sync(ctx) }()
	for e.Partner.Writes() < 20 {
		time.Sleep(time.Millisecond)
	}
	proc.Kill()
	r := <-done
	t.Logf("killed Redis after %d partner writes; the run ended with:\n%s", e.Partner.Writes(), r.Output())
	// The last line is the error the run ended with (the Redis client's
	// own log comes before it).
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if last := lines[len(lines)-1]; r.Code != 1 || !strings.Contains(last, "Redis") || strings.Contains(r.Stdout+r.Stderr, "panic") {
		t.Errorf("exit %d, last line %q; want exit 1 with an error that names Redis, no panic", r.Code, last)
	}
	proc.Restart(t)
	if err := e.Converge(ctx); err != nil {
		t.Error(err)
	}
	leaks, _, err := e.CheckCanaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leaks {
		t.Error(l)
	}
}
