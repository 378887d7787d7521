package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// newRedis returns a Redis client and a namespace unique to the test.
func newRedis(t testing.TB) (redis.UniversalClient, keys.Namespace) {
	t.Helper()
	s := redistest.New(t)
	return s.Client, keys.New(s.Prefix)
}

// checkFormatError reports unless err is the *FormatError of value (what
// it names), found with version found, whose message says each of says.
func checkFormatError(t *testing.T, err error, value, found string, says ...string) {
	t.Helper()
	var fe *FormatError
	if !errors.Is(err, ErrStateFormat) || !errors.As(err, &fe) {
		t.Errorf("%v; want a FormatError", err)
		return
	}
	if fe.Value != value || fe.Found != found {
		t.Errorf("%#v; want a FormatError of %s that found %q", fe, value, found)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q does not say %s", err, s)
		}
	}
}
