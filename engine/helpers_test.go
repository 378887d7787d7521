package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// newRedis returns a Redis client and a namespace unique to the test.
func newRedis(t testing.TB) (redis.UniversalClient, keys.Namespace) {
	t.Helper()
	s := redistest.New(t)
	return s.Client, keys.New(s.Prefix)
}

// testClock is a Clock that moves only when told.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *testClock { return &testClock{now: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *testClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// findingsJSON renders findings for golden files, with file names
// relative to the package folder.
func findingsJSON(t *testing.T, fs specs.Findings) []byte {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	out := make(specs.Findings, len(fs))
	for i, f := range fs {
		if rel, err := filepath.Rel(wd, f.File); err == nil && filepath.IsAbs(f.File) {
			f.File = filepath.ToSlash(rel)
		}
		out[i] = f
	}
	if out == nil {
		out = specs.Findings{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// codes lists the codes of findings, for short assertions.
func codes(fs specs.Findings) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code+" "+f.Pointer)
	}
	return out
}
