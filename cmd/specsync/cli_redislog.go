package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// redisLogger takes go-redis's internal log lines (a dial that failed, a
// pool that gave up), which it would otherwise print on standard error in
// the middle of a command's output, to the default slog logger at debug
// level: the error the command returns already says what went wrong.
type redisLogger struct{}

// Printf logs one line at debug level.
func (redisLogger) Printf(ctx context.Context, format string, v ...any) {
	slog.Default().DebugContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)), "source", "go-redis")
}
