package store

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
)

// State is what the engine remembers of one instance, per direction and
// entity: per home key the partner id and the hash, time and writer's
// memo of the last payload written (one hash field, whose value carries
// its format version: see the written value's format below), the partner
// ids' home keys, the echo hashes that tell a read-back of our own write
// from a real change, the create intents, the incremental cursor and the
// time of the last complete read.
//
// Every method that takes many keys costs one round trip, however many
// keys it takes: runs load and commit records a page at a time. Records
// are kept in Redis hashes under the instance's hash tag, so a commit is
// one MULTI/EXEC transaction, also on Redis Cluster.
//
// Entity names are those of the partner spec, for both directions, so
// that the echo a push leaves is found by the pull of the same entity.
//
// A State is safe for concurrent use.
type State struct {
	rdb      redis.UniversalClient
	keys     keys.Namespace
	instance string
	clock    clock.Clock
}

// StateConfig configures a State.
type StateConfig struct {
	// Clock stamps committed records whose time is zero. Nil means the
	// system clock.
	Clock clock.Clock
}

// NewState returns the state of instance in rdb under namespace ns.
func NewState(rdb redis.UniversalClient, ns keys.Namespace, instance string, cfg StateConfig) *State {
	return &State{rdb: rdb, keys: ns, instance: instance, clock: clock.Or(cfg.Clock)}
}

// Known is what the state knows of one home key.
type Known struct {
	Key string
	// PartnerID is the partner's id of the record; empty when the record
	// was never written in this direction.
	PartnerID string
	// Hash is the hash of the last payload written; empty when none was.
	Hash string
	// WrittenAt is when that payload was confirmed, in UTC; zero when
	// none was.
	WrittenAt time.Time
	// Echo is the hash of the values the opposite direction last wrote
	// for the key: reading exactly these back is an echo, not a change.
	// Empty when there is none.
	Echo string
	// Memo is what the writer kept of that payload (Written.Memo).
	Memo string
	// Intent is the payload hash of a create sent for the key but not
	// confirmed (MarkIntents); empty when there is none or it was not
	// asked for (LoadOptions.Intents).
	Intent string
	// Confirmed is set for a create whose answer was recorded (Confirm)
	// but whose page was never committed: the state knows nothing written
	// for the key, and PartnerID, Hash and Memo are taken from the answer.
	// The caller commits them (Promote) before it decides the record.
	Confirmed bool
}

// LoadOptions say what LoadWith reads besides the written values.
type LoadOptions struct {
	// Echoes reads the echo hashes. A caller that knows there are none
	// (HasEchoes) leaves them out.
	Echoes bool
	// Intents reads the create intents.
	Intents bool
}

// Load returns what is known of keys (home keys) in direction dir, echo
// hashes included, in the order of keys, in one round trip.
func (s *State) Load(ctx context.Context, dir instance.Direction, entity string, homeKeys []string) ([]Known, error) {
	return s.LoadWith(ctx, dir, entity, homeKeys, LoadOptions{Echoes: true})
}

// LoadWith is Load reading what opts ask for, in one round trip.
func (s *State) LoadWith(ctx context.Context, dir instance.Direction, entity string, homeKeys []string, opts LoadOptions) ([]Known, error) {
	if len(homeKeys) == 0 {
		return []Known{}, nil
	}
	pipe := s.rdb.Pipeline()
	fields := boxed(homeKeys)
	written := hmget(ctx, pipe, s.keys.Written(s.instance, string(dir), entity), fields)
	var echoes, intents *redis.StringSliceCmd
	if opts.Echoes {
		echoes = hmget(ctx, pipe, s.keys.Echo(s.instance, string(dir.Opposite()), entity), fields)
	}
	if opts.Intents {
		intents = hmget(ctx, pipe, s.keys.Intents(s.instance, string(dir), entity), fields)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.errorf(err, "load", dir, entity)
	}
	return s.known(dir, entity, homeKeys, written, echoes, intents)
}

// known decodes what LoadWith read of homeKeys; echoes and intents are
// nil when they were not read.
func (s *State) known(dir instance.Direction, entity string, homeKeys []string, written, echoes, intents *redis.StringSliceCmd) ([]Known, error) {
	out := make([]Known, len(homeKeys))
	for i, key := range homeKeys {
		v := written.Val()[i]
		w, err := parseWritten(v)
		if err != nil {
			return nil, s.formatError(err, v, dir, entity, key)
		}
		out[i] = Known{Key: key, PartnerID: w.id, Hash: w.hash, WrittenAt: w.at, Memo: w.memo}
		if echoes != nil {
			out[i].Echo = echoes.Val()[i]
		}
		if intents != nil {
			var conf *Confirmation
			if out[i].Intent, conf, err = s.openIntent(intents.Val()[i], dir, entity, key); err != nil {
				return nil, err
			}
			if conf != nil && v == "" {
				k := &out[i]
				k.PartnerID, k.Hash, k.Memo, k.Confirmed = cmp.Or(conf.PartnerID, key), conf.Hash, conf.Memo, true
			}
		}
	}
	return out, nil
}

// HasEchoes reports whether the opposite direction left any echo hash
// for dir to find.
func (s *State) HasEchoes(ctx context.Context, dir instance.Direction, entity string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.keys.Echo(s.instance, string(dir.Opposite()), entity)).Result()
	if err != nil {
		return false, s.errorf(err, "look for echo hashes", dir, entity)
	}
	return n > 0, nil
}

// boxed returns keys as command arguments, for several commands to share.
func boxed(keys []string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// hmget runs (or on a pipeline, queues) an HMGET of fields that reads a
// missing field as "", without boxing the fields or the answers once more.
// On a pipeline, Exec reports the error.
func hmget(ctx context.Context, c processor, key string, fields []any) *redis.StringSliceCmd {
	args := make([]any, 0, 2+len(fields))
	cmd := redis.NewStringSliceCmd(ctx, append(append(args, "hmget", key), fields...)...)
	_ = c.Process(ctx, cmd) // the error is also the command's
	return cmd
}

// processor runs commands: a client or a pipeline.
type processor interface {
	Process(ctx context.Context, cmd redis.Cmder) error
}

// LoadHashes returns the hash of the last payload written for each home
// key in direction dir ("" for none), in the order of keys, in one round
// trip.
func (s *State) LoadHashes(ctx context.Context, dir instance.Direction, entity string, homeKeys []string) ([]string, error) {
	vals, err := s.hmget(ctx, s.keys.Written(s.instance, string(dir), entity), homeKeys)
	if err != nil {
		return nil, s.errorf(err, "load hashes", dir, entity)
	}
	for i, v := range vals {
		w, err := parseWritten(v)
		if err != nil {
			return nil, s.formatError(err, v, dir, entity, homeKeys[i])
		}
		vals[i] = w.hash
	}
	return vals, nil
}

// PartnerIDs returns the partner id of each home key in direction dir
// ("" for none), in one round trip.
func (s *State) PartnerIDs(ctx context.Context, dir instance.Direction, entity string, homeKeys []string) ([]string, error) {
	known, err := s.LoadWith(ctx, dir, entity, homeKeys, LoadOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(known))
	for i, k := range known {
		out[i] = k.PartnerID
	}
	return out, nil
}

// HomeKeys returns the home key of each partner id in direction dir (""
// for none), in one round trip.
func (s *State) HomeKeys(ctx context.Context, dir instance.Direction, entity string, partnerIDs []string) ([]string, error) {
	return s.HomeKeysIn(ctx, entity, partnerIDs, dir)
}

// HomeKeysIn returns the home key of each partner id from the first of
// dirs that knows it ("" for none), in one round trip.
func (s *State) HomeKeysIn(ctx context.Context, entity string, partnerIDs []string, dirs ...instance.Direction) ([]string, error) {
	if len(partnerIDs) == 0 {
		return []string{}, nil
	}
	pipe := s.rdb.Pipeline()
	fields := boxed(partnerIDs)
	cmds := make([]*redis.StringSliceCmd, len(dirs))
	for i, dir := range dirs {
		cmds[i] = hmget(ctx, pipe, s.keys.IDReverse(s.instance, string(dir), entity), fields)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.errorf(err, "load home keys", dirs[0], entity)
	}
	out := cmds[0].Val()
	for _, cmd := range cmds[1:] {
		for i, key := range cmd.Val() {
			out[i] = cmp.Or(out[i], key)
		}
	}
	return out, nil
}

// EchoHashes returns, for each home key, the hash of the values the
// direction opposite to dir last wrote ("" for none): a record read in
// direction dir whose mapped values hash to it is an echo of our own
// write and is skipped.
func (s *State) EchoHashes(ctx context.Context, dir instance.Direction, entity string, homeKeys []string) ([]string, error) {
	vals, err := s.hmget(ctx, s.keys.Echo(s.instance, string(dir.Opposite()), entity), homeKeys)
	if err != nil {
		return nil, s.errorf(err, "load echo hashes", dir, entity)
	}
	return vals, nil
}

// EchoHash is EchoHashes for one key.
func (s *State) EchoHash(ctx context.Context, dir instance.Direction, entity, homeKey string) (string, error) {
	vals, err := s.EchoHashes(ctx, dir, entity, []string{homeKey})
	if err != nil {
		return "", err
	}
	return vals[0], nil
}

// hmget reads fields of hash key as strings, "" for missing ones.
func (s *State) hmget(ctx context.Context, key string, fields []string) ([]string, error) {
	if len(fields) == 0 {
		return []string{}, nil
	}
	return hmget(ctx, s.rdb, key, boxed(fields)).Result()
}

// errorf wraps a Redis error with the operation and where it happened.
func (s *State) errorf(err error, op string, dir instance.Direction, entity string) error {
	return fmt.Errorf("state of instance %q: %s %s %s in Redis: %w", s.instance, op, dir, entity, err)
}

// str returns v as a string; nil (a missing field) is "".
func str(v any) string {
	s, _ := v.(string)
	return s
}
