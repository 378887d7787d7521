package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Server is a Redis server for one test.
type Server struct {
	// Client talks to the server. It is closed when the test ends.
	Client redis.UniversalClient
	// Prefix is unique to the test and ends with a colon; every key the test
	// writes should start with it.
	Prefix string
	// Mini is the in-process server when REDIS_URL is unset, nil otherwise.
	// Tests that need to move time forward use Mini.FastForward and skip
	// when it is nil.
	Mini *miniredis.Miniredis
}

// New connects to REDIS_URL, or starts a miniredis when it is unset, and
// registers a cleanup that deletes every key under the test's prefix.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{Prefix: "test:" + testName(t) + ":" + randomHex(t) + ":"}
	if url := os.Getenv("REDIS_URL"); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatalf("REDIS_URL: %v", err)
		}
		s.Client = redis.NewClient(opts)
	} else {
		s.Mini = miniredis.RunT(t)
		s.Client = redis.NewClient(&redis.Options{Addr: s.Mini.Addr()})
	}
	if err := s.Client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis ping: %v", err)
	}
	t.Cleanup(func() { s.cleanup(t) })
	return s
}

func (s *Server) cleanup(t testing.TB) {
	ctx := context.Background()
	iter := s.Client.Scan(ctx, 0, s.Prefix+"*", 100).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("redis cleanup: scan %s*: %v", s.Prefix, err)
	}
	for _, k := range keys {
		if err := s.Client.Del(ctx, k).Err(); err != nil {
			t.Errorf("redis cleanup: del %s: %v", k, err)
		}
	}
	if err := s.Client.Close(); err != nil {
		t.Errorf("redis close: %v", err)
	}
}

// testName makes a test name safe for a key: slashes and spaces become
// underscores.
func testName(t testing.TB) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
}

func randomHex(t testing.TB) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random prefix: %v", err)
	}
	return hex.EncodeToString(b)
}
