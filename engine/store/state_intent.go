package store

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
)

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
		fields = append(fields, in.Key, in.Hash)
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
