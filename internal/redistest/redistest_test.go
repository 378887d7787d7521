package redistest

import (
	"context"
	"testing"
)

func TestNewCleansUpItsKeys(t *testing.T) {
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
	a, b := New(t), New(t)
	if a.Prefix == b.Prefix {
		t.Errorf("two servers share prefix %q", a.Prefix)
	}
}
