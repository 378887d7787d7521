package engine

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
)

// intents are the create intents of an instance. Besides State, a run
// keeps a hash per direction and entity, next to State's written hash and
// under the same hash tag: the payload hash of each create sent but not
// yet confirmed, for crash safety. The write stage marks them before
// sending, the read stage loads them with the state, and the commit stage
// clears those the writes settle.
type intents struct {
	rdb      redis.UniversalClient
	keys     keys.Namespace
	instance string
}

// newIntents returns the create intents of a run's instance.
func newIntents(j *job) intents {
	return intents{rdb: j.cfg.Redis, keys: j.cfg.Keys, instance: j.inst.ID}
}

// key is the key of the create intents of a direction and entity.
func (in intents) key(dir Direction, entity string) string {
	return in.keys.Written(in.instance, string(dir), entity) + ":intent"
}

// legacyMemoKey is where versions before memos moved into the state kept
// them; a run drops it (readStage.startFlow).
func (in intents) legacyMemoKey(dir Direction, entity string) string {
	return in.keys.Written(in.instance, string(dir), entity) + ":memo"
}

// queueLoad queues on p the read of the intents of fields (home keys).
func (in intents) queueLoad(ctx context.Context, p redis.Pipeliner, dir Direction, entity string, fields []any) *redis.StringSliceCmd {
	return hmget(ctx, p, in.key(dir, entity), fields)
}

// mark records intents: fields alternate home keys and payload hashes.
func (in intents) mark(ctx context.Context, dir Direction, entity string, fields []any) error {
	return in.rdb.HSet(ctx, in.key(dir, entity), fields...).Err()
}

// queueSettle queues on p the removal of the intents of home keys.
func (in intents) queueSettle(ctx context.Context, p redis.Pipeliner, dir Direction, entity string, homeKeys []string) {
	p.HDel(ctx, in.key(dir, entity), homeKeys...)
}
