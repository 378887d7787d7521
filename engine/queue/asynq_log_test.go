package queue

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestAsynqLoggerKeepsSharedCloseQuiet: asynq's refusal to close a shared
// Redis client is not an error line; other errors are.
func TestAsynqLoggerKeepsSharedCloseQuiet(t *testing.T) {
	var buf bytes.Buffer
	l := asynqLogger{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	l.Error("Failed to close redis client connection: ", "redis connection is shared so the Client can't be closed through asynq")
	if buf.Len() != 0 {
		t.Errorf("the shared-connection line was logged at info or above: %s", buf.String())
	}
	l.Error("Failed to enqueue: boom")
	if !strings.Contains(buf.String(), "level=ERROR") || !strings.Contains(buf.String(), "boom") {
		t.Errorf("another error was not logged as one: %q", buf.String())
	}
}
