package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/stored"
)

// intentFormat marks every stored create intent with the version of its
// format: "v1 hash".
const intentFormat stored.Version = "v1"

// Intent is a create about to be sent: the home key and the hash of the
// payload. A run leaves one before it sends a create the target cannot
// upsert, so that a run killed before the answer looks the record up (or
// repeats its idempotency key) instead of creating it twice; the intent
// is cleared once the write settles (Settle).
type Intent struct {
	Key  string
	Hash string
}

// MarkIntents records intents of dir and entity, in one round trip.
func (s *State) MarkIntents(ctx context.Context, dir instance.Direction, entity string, intents ...Intent) error {
	if len(intents) == 0 {
		return nil
	}
	fields := make([]any, 0, 2*len(intents))
	for _, in := range intents {
		if in.Key == "" {
			return s.errorf(errEmptyKey, "record create intents", dir, entity)
		}
		fields = append(fields, in.Key, intentFormat.Mark(in.Hash))
	}
	if err := s.rdb.HSet(ctx, s.keys.Intents(s.instance, string(dir), entity), fields...).Err(); err != nil {
		return s.errorf(err, "record create intents", dir, entity)
	}
	return nil
}

// Settle clears, in one round trip, the intents of home keys whose writes
// settled and the echo hashes dir left for conflicting keys, so that the
// owner's value is not taken for an echo.
func (s *State) Settle(ctx context.Context, dir instance.Direction, entity string, settled, conflicts []string) error {
	if len(settled)+len(conflicts) == 0 {
		return nil
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if len(settled) > 0 {
			p.HDel(ctx, s.keys.Intents(s.instance, string(dir), entity), settled...)
		}
		if len(conflicts) > 0 {
			p.HDel(ctx, s.keys.Echo(s.instance, string(dir), entity), conflicts...)
		}
		return nil
	})
	if err != nil {
		return s.errorf(err, "settle intents", dir, entity)
	}
	return nil
}

// openIntent decodes the stored intent v of key; "" is none. An intent of
// another format is refused with a *FormatError.
func (s *State) openIntent(v string, dir instance.Direction, entity, key string) (string, error) {
	if v == "" {
		return "", nil
	}
	hash, ok := intentFormat.Open(v)
	if !ok {
		what := fmt.Sprintf("create intent of instance %q, %s %s %q", s.instance, dir, entity, key)
		remedy := fmt.Sprintf("remove the intents (the key %s) and run the instance again, knowing that a create "+
			"sent but never confirmed may then be sent again: check the target for duplicates", s.keys.Intents(s.instance, string(dir), entity))
		return "", intentFormat.Refuse(v, what, remedy)
	}
	return hash, nil
}
