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

func TestManual(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewManual(start)
	if err := c.Sleep(context.Background(), time.Minute); err != nil {
		t.Fatalf("Sleep: %v", err)
	}
	c.Advance(time.Second)
	if got, want := c.Now(), start.Add(time.Minute+time.Second); !got.Equal(want) {
		t.Errorf("Now() = %v, want %v", got, want)
	}
	if got := c.Slept(); len(got) != 1 || got[0] != time.Minute {
		t.Errorf("Slept() = %v, want [1m0s]: Advance is no sleep", got)
	}
	c.Set(start)
	if !c.Now().Equal(start) {
		t.Errorf("Set did not move the clock back: %v", c.Now())
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(cancelled, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
}
