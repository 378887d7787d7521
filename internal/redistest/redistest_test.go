package redistest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
)

func TestNewCleansUpItsKeys(t *testing.T) {
	t.Parallel()
	var prefix string
	var other *Server
	t.Run("writer", func(t *testing.T) {
		s := New(t)
		prefix = s.Prefix
		if err := s.Client.Set(context.Background(), s.Prefix+"k", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	})
	other = New(t)
	if other.Mini != nil {
		t.Skip("REDIS_URL unset: each test has its own miniredis, nothing is shared to clean")
	}
	n, err := other.Client.Exists(context.Background(), prefix+"k").Result()
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("key %sk survived the test that wrote it", prefix)
	}
}

func TestPrefixesAreUnique(t *testing.T) {
	t.Parallel()
	a, b := New(t), New(t)
	if a.Prefix == b.Prefix {
		t.Errorf("two servers share prefix %q", a.Prefix)
	}
}

func TestDeletePrefixRemovesManyKeysAndOnlyThose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New(t)
	pipe := s.Client.Pipeline()
	for i := range 1234 {
		pipe.Set(ctx, fmt.Sprintf("%sk%d", s.Prefix, i), i, 0)
	}
	outside := "specsync-test-outside:" + randomHex(t)
	pipe.Set(ctx, outside, 1, 0)
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Client.Del(context.Background(), outside) })
	if err := s.DeletePrefix(ctx); err != nil {
		t.Fatal(err)
	}
	left, err := s.Client.Keys(ctx, keys.New(s.Prefix).Pattern()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("%d keys left under the prefix, such as %s", len(left), left[0])
	}
	if n, err := s.Client.Exists(ctx, outside).Result(); err != nil || n != 1 {
		t.Errorf("key outside the prefix: exists=%d err=%v; want it kept", n, err)
	}
}

func TestPrefixCarriesNoHashTag(t *testing.T) {
	t.Parallel()
	t.Run("{inst}", func(t *testing.T) {
		if p := New(t).Prefix; strings.ContainsAny(p, "{}") {
			t.Errorf("prefix %q has braces; keys under it would hash on the test name", p)
		}
	})
}

func TestNewClusterSpreadsSlotsOverItsNodes(t *testing.T) {
	s := NewCluster(t)
	ctx := context.Background()
	// Keys of different hash tags live on different nodes; keys of one tag
	// can share a transaction.
	masters := map[string]bool{}
	cc := s.Client.(*redis.ClusterClient)
	for i := range 30 {
		key := fmt.Sprintf("%s{t%d}:k", s.Prefix, i)
		if err := s.Client.Set(ctx, key, "v", 0).Err(); err != nil {
			t.Fatalf("set %s: %v", key, err)
		}
		c, err := cc.MasterForKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		masters[c.Options().Addr] = true
	}
	if len(masters) != clusterNodes {
		t.Errorf("30 hash tags landed on %d masters, want %d", len(masters), clusterNodes)
	}
	_, err := s.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.Prefix+"{same}:a", "1", 0)
		p.Set(ctx, s.Prefix+"{same}:b", "2", 0)
		return nil
	})
	if err != nil {
		t.Errorf("transaction on one hash tag: %v", err)
	}
	if err := s.Client.MSet(ctx, s.Prefix+"{x}:a", "1", s.Prefix+"{y}:b", "2").Err(); err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("a command over two hash tags gave %v; want CROSSSLOT, as a real cluster does", err)
	}
}

func TestSentinelFailoverKeepsTheData(t *testing.T) {
	s := NewSentinel(t)
	ctx := context.Background()
	key := s.Prefix + "k"
	if err := s.Client.Set(ctx, key, "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Failover(t)
	// The first command after the switch may meet the old connection.
	var got string
	var err error
	for range 50 {
		if got, err = s.Client.Get(ctx, key).Result(); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != "before" {
		t.Fatalf("after the failover the key holds %q (%v); want the value written before", got, err)
	}
	if err := s.Client.Set(ctx, key, "after", 0).Err(); err != nil {
		t.Errorf("writing to the promoted replica: %v", err)
	}
}
