package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSystemSleep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Now()
	if err := (System{}).Sleep(ctx, 20*time.Millisecond); err != nil {
		t.Fatalf("Sleep: %v", err)
	}
	if waited := time.Since(start); waited < 20*time.Millisecond {
		t.Errorf("Sleep returned after %v, before its 20ms", waited)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := (System{}).Sleep(cancelled, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := (System{}).Sleep(cancelled, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) on a cancelled context = %v, want context.Canceled", err)
	}
}

type fixed struct{ System }

func (fixed) Now() time.Time { return time.Unix(0, 0) }

func TestOr(t *testing.T) {
	t.Parallel()
	if _, ok := Or(nil).(System); !ok {
		t.Errorf("Or(nil) = %T, want System", Or(nil))
	}
	if got := Or(fixed{}).Now(); !got.Equal(time.Unix(0, 0)) {
		t.Errorf("Or(c) does not keep c: Now() = %v", got)
	}
}
