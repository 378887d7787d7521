package instance

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
