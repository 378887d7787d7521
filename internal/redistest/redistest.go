package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
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
	s := &Server{Prefix: testPrefix(t)}
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

// cleanBatch is how many keys one SCAN step asks for and one UNLINK
// removes.
const cleanBatch = 500

// cleanup unlinks every key under the prefix, a batch at a time, and closes
// the client.
func (s *Server) cleanup(t testing.TB) {
	if err := s.DeletePrefix(context.Background()); err != nil {
		t.Errorf("redis cleanup: %v", err)
	}
	if err := s.Client.Close(); err != nil {
		t.Errorf("redis close: %v", err)
	}
}

// DeletePrefix unlinks every key under the test's prefix (SCAN + UNLINK),
// so a test can start a phase on an empty key space. The prefix is
// escaped for SCAN MATCH: test names may contain brackets.
func (s *Server) DeletePrefix(ctx context.Context) error {
	return UnlinkMatching(ctx, s.Client, keys.New(s.Prefix).Pattern())
}

// UnlinkMatching unlinks every key matching the SCAN MATCH pattern, a
// batch at a time: for what a test made outside its prefix, such as an
// asynq queue's keys.
func UnlinkMatching(ctx context.Context, rdb redis.UniversalClient, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, cleanBatch).Iterator()
	batch := make([]string, 0, cleanBatch)
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == cleanBatch {
			if err := rdb.Unlink(ctx, batch...).Err(); err != nil {
				return fmt.Errorf("unlink %s: %w", pattern, err)
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("scan %s: %w", pattern, err)
	}
	if len(batch) == 0 {
		return nil
	}
	if err := rdb.Unlink(ctx, batch...).Err(); err != nil {
		return fmt.Errorf("unlink %s: %w", pattern, err)
	}
	return nil
}

// testPrefix is a key prefix unique to one test: its name and a random
// part.
func testPrefix(t testing.TB) string {
	return "specsync-test:" + testName(t) + ":" + randomHex(t) + ":"
}

// testName makes a test name safe for a key: slashes, spaces and braces
// become underscores, so the prefix never carries a Cluster hash tag.
func testName(t testing.TB) string {
	return strings.NewReplacer("/", "_", " ", "_", "{", "_", "}", "_").Replace(t.Name())
}

func randomHex(t testing.TB) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random prefix: %v", err)
	}
	return hex.EncodeToString(b)
}
