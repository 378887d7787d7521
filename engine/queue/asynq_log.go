package queue

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// asynqLogger routes asynq's log lines to slog. The scheduler's
// shutdown always tries to close the Redis client it was given, which
// asynq refuses for a shared one (its owner closes it) and logs as an
// error; that line is kept at debug level.
type asynqLogger struct{ log *slog.Logger }

func (l asynqLogger) Debug(args ...any) { l.log.Debug(fmt.Sprint(args...), "from", "asynq") }
func (l asynqLogger) Info(args ...any)  { l.log.Info(fmt.Sprint(args...), "from", "asynq") }
func (l asynqLogger) Warn(args ...any)  { l.log.Warn(fmt.Sprint(args...), "from", "asynq") }

func (l asynqLogger) Error(args ...any) {
	msg := fmt.Sprint(args...)
	if strings.Contains(msg, "connection is shared") {
		l.log.Debug(msg, "from", "asynq")
		return
	}
	l.log.Error(msg, "from", "asynq")
}

func (l asynqLogger) Fatal(args ...any) {
	l.log.Error(fmt.Sprint(args...), "from", "asynq")
	os.Exit(1)
}
