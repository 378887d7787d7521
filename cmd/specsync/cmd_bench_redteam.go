package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/redteam"
)

// runRedteam runs every red-team case, the long ones included, against
// this binary and prints a line per case with its time and the largest
// peak resident size of its commands; a case that failed makes it fail. The cases run the binary as child processes, so an in-process
// Redis is served on a local port for them when url is empty.
func runRedteam(ctx context.Context, out io.Writer, url string) error {
	bin, err := os.Executable()
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("finding this binary: %w", err)}
	}
	if url == "" {
		mr, err := miniredis.Run()
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("starting an in-process Redis: %w", err)}
		}
		defer mr.Close()
		url = "redis://" + mr.Addr()
	}
	dir, err := os.MkdirTemp("", "specsync-redteam")
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	defer os.RemoveAll(dir)
	prefix := scratchPrefix("redteam")
	defer removeRedteamKeys(url, prefix)
	failed := 0
	redteam.Run(ctx, redteam.Options{Bin: bin, RedisURL: url, Prefix: prefix, Dir: dir}, true, nil, func(o redteam.Outcome) {
		status := "ok"
		if o.Err != nil {
			status, failed = "FAILED", failed+1
		}
		fmt.Fprintf(out, "%-22s %-6s %8v  peak %4d MiB\n", o.Case, status, o.Duration.Round(time.Millisecond), o.PeakRSS>>20)
		if o.Err != nil {
			fmt.Fprintf(out, "%v\n", o.Err)
		}
	})
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d red-team cases failed", failed)}
	}
	return nil
}

// removeRedteamKeys removes the keys the cases left under prefix.
func removeRedteamKeys(url, prefix string) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	deletePrefix(rdb, prefix)
}
