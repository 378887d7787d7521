package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
)

// State is what the engine remembers of one instance, per direction and
// entity: per home key the partner id and the hash, time and writer's
// memo of the last payload written (one hash field), the partner ids'
// home keys, the echo hashes that tell a read-back of our own write from
// a real change, the incremental cursor and the time of the last complete
// read.
//
// Earlier versions kept the partner ids in a hash of their own (the id
// map). State still reads it where it exists, and MigrateIDs moves its ids
// into the written values.
//
// Every method that takes many keys costs one round trip, however many
// keys it takes (and, once per State and entity, one more to look for an
// id map of earlier versions): runs load and commit records a page at a
// time. Records are kept in Redis hashes under the instance's hash tag,
// so a commit is one MULTI/EXEC transaction, also on Redis Cluster.
//
// Entity names are those of the partner spec, for both directions, so
// that the echo a push leaves is found by the pull of the same entity.
//
// A State is safe for concurrent use.
type State struct {
	rdb      redis.UniversalClient
	keys     keys.Namespace
	instance string
	clock    Clock
	idMapsMu sync.Mutex
	idMaps   map[string]bool // direction and entity -> an id map of earlier versions exists
}

// StateConfig configures a State.
type StateConfig struct {
	// Clock stamps committed records whose time is zero. Nil means the
	// system clock.
	Clock Clock
}

// NewState returns the state of instance in rdb under namespace ns.
func NewState(rdb redis.UniversalClient, ns keys.Namespace, instance string, cfg StateConfig) *State {
	return &State{rdb: rdb, keys: ns, instance: instance, clock: orSystem(cfg.Clock), idMaps: map[string]bool{}}
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
}

// Load returns what is known of keys (home keys) in direction dir, in the
// order of keys, in one round trip.
func (s *State) Load(ctx context.Context, dir instance.Direction, entity string, homeKeys []string) ([]Known, error) {
	if len(homeKeys) == 0 {
		return []Known{}, nil
	}
	pipe := s.rdb.Pipeline()
	out := make([]Known, len(homeKeys))
	fill, err := s.QueueLoad(ctx, pipe, dir, entity, homeKeys, Boxed(homeKeys), true)
	if err != nil {
		return nil, err
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.errorf(err, "load", dir, entity)
	}
	fill(func(i int, k Known) { out[i] = k })
	return out, nil
}

// queueLoad queues Load's reads on p, whose caller may add its own;
// fields are homeKeys as arguments. Once p ran, fill hands what is known
// of each homeKeys[i] to each. Without withEchoes the echo hashes are not
// read: the caller knows there are none (HasEchoes), or needs none.
func (s *State) QueueLoad(ctx context.Context, p redis.Pipeliner, dir instance.Direction, entity string, homeKeys []string, fields []any, withEchoes bool) (fill func(each func(i int, k Known)), err error) {
	ids, err := s.queueIDMap(ctx, p, dir, entity, fields)
	if err != nil {
		return nil, err
	}
	written := Hmget(ctx, p, s.keys.Written(s.instance, string(dir), entity), fields)
	var echoes *redis.StringSliceCmd
	if withEchoes {
		echoes = Hmget(ctx, p, s.keys.Echo(s.instance, string(dir.Opposite()), entity), fields)
	}
	return func(each func(i int, k Known)) {
		for i, key := range homeKeys {
			w := ParseWritten(written.Val()[i])
			k := Known{Key: key, PartnerID: w.Id, Hash: w.Hash, WrittenAt: w.At, Memo: w.Memo}
			if !w.HasID && ids != nil {
				k.PartnerID = ids.Val()[i]
			}
			if echoes != nil {
				k.Echo = echoes.Val()[i]
			}
			each(i, k)
		}
	}, nil
}

// queueIDMap queues the read of the id map of earlier versions, when dir
// and entity still have one; nil when they do not.
func (s *State) queueIDMap(ctx context.Context, p processor, dir instance.Direction, entity string, fields []any) (*redis.StringSliceCmd, error) {
	old, err := s.hasIDMap(ctx, dir, entity)
	if err != nil || !old {
		return nil, err
	}
	return Hmget(ctx, p, s.keys.IDMap(s.instance, string(dir), entity), fields), nil
}

// hasIDMap reports whether dir and entity still have the id map of
// earlier versions; asked of Redis once per State until MigrateIDs.
func (s *State) hasIDMap(ctx context.Context, dir instance.Direction, entity string) (bool, error) {
	s.idMapsMu.Lock()
	old, known := s.idMaps[flowKey(dir, entity)]
	s.idMapsMu.Unlock()
	if known {
		return old, nil
	}
	return s.QueueFindIDMap(ctx, s.rdb, dir, entity)()
}

// queueFindIDMap queues on c the look for an id map of dir and entity;
// exists, once c ran, reports it and remembers it for the State.
func (s *State) QueueFindIDMap(ctx context.Context, c redis.Cmdable, dir instance.Direction, entity string) (exists func() (bool, error)) {
	cmd := c.Exists(ctx, s.keys.IDMap(s.instance, string(dir), entity))
	return func() (bool, error) {
		if err := cmd.Err(); err != nil {
			return false, s.errorf(err, "look for an id map", dir, entity)
		}
		s.noteIDMap(dir, entity, cmd.Val() > 0)
		return cmd.Val() > 0, nil
	}
}

func (s *State) noteIDMap(dir instance.Direction, entity string, exists bool) {
	s.idMapsMu.Lock()
	s.idMaps[flowKey(dir, entity)] = exists
	s.idMapsMu.Unlock()
}

// flowKey names a direction and entity in a map.
func flowKey(dir instance.Direction, entity string) string { return string(dir) + "\x00" + entity }

// HasEchoes reports whether the opposite direction left any echo hash
// for dir to find.
func (s *State) HasEchoes(ctx context.Context, dir instance.Direction, entity string) (bool, error) {
	n, err := s.QueueHasEchoes(ctx, s.rdb, dir, entity).Result()
	if err != nil {
		return false, s.errorf(err, "look for echo hashes", dir, entity)
	}
	return n > 0, nil
}

// queueHasEchoes queues HasEchoes' read on c: its count is 1 when there
// are echo hashes.
func (s *State) QueueHasEchoes(ctx context.Context, c redis.Cmdable, dir instance.Direction, entity string) *redis.IntCmd {
	return c.Exists(ctx, s.keys.Echo(s.instance, string(dir.Opposite()), entity))
}

// boxed returns keys as command arguments, for several commands to share.
func Boxed(keys []string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// hmget runs (or on a pipeline, queues) an HMGET of fields that reads a
// missing field as "", without boxing the fields or the answers once more.
// On a pipeline, Exec reports the error.
func Hmget(ctx context.Context, c processor, key string, fields []any) *redis.StringSliceCmd {
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
		vals[i] = ParseWritten(v).Hash
	}
	return vals, nil
}

// PartnerIDs returns the partner id of each home key in direction dir
// ("" for none), in one round trip.
func (s *State) PartnerIDs(ctx context.Context, dir instance.Direction, entity string, homeKeys []string) ([]string, error) {
	if len(homeKeys) == 0 {
		return []string{}, nil
	}
	pipe := s.rdb.Pipeline()
	fill, err := s.QueueLoad(ctx, pipe, dir, entity, homeKeys, Boxed(homeKeys), false)
	if err != nil {
		return nil, err
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.errorf(err, "load partner ids", dir, entity)
	}
	out := make([]string, len(homeKeys))
	fill(func(i int, k Known) { out[i] = k.PartnerID })
	return out, nil
}

// HomeKeys returns the home key of each partner id in direction dir (""
// for none), in one round trip.
func (s *State) HomeKeys(ctx context.Context, dir instance.Direction, entity string, partnerIDs []string) ([]string, error) {
	return s.HomeKeysIn(ctx, entity, partnerIDs, dir)
}

// homeKeysIn returns the home key of each partner id from the first of
// dirs that knows it ("" for none), in one round trip.
func (s *State) HomeKeysIn(ctx context.Context, entity string, partnerIDs []string, dirs ...instance.Direction) ([]string, error) {
	if len(partnerIDs) == 0 {
		return []string{}, nil
	}
	pipe := s.rdb.Pipeline()
	fields := Boxed(partnerIDs)
	cmds := make([]*redis.StringSliceCmd, len(dirs))
	for i, dir := range dirs {
		cmds[i] = Hmget(ctx, pipe, s.keys.IDReverse(s.instance, string(dir), entity), fields)
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
	return Hmget(ctx, s.rdb, key, Boxed(fields)).Result()
}

// errorf wraps a Redis error with the operation and where it happened.
func (s *State) errorf(err error, op string, dir instance.Direction, entity string) error {
	return fmt.Errorf("state of instance %q: %s %s %s: %w", s.instance, op, dir, entity, err)
}

// str returns v as a string; nil (a missing field) is "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// formatWritten encodes what the state keeps of a record as one hash
// value: "hash ms len:id", then " memo" when there is one. The hash has
// no spaces; the partner id, after its length, and the memo may hold any
// bytes.
func formatWritten(hash string, at time.Time, id, memo string) string {
	var b strings.Builder
	b.Grow(len(hash) + 30 + len(id) + len(memo))
	b.WriteString(hash)
	b.WriteByte(' ')
	var num [20]byte
	b.Write(strconv.AppendInt(num[:0], at.UnixMilli(), 10))
	b.WriteByte(' ')
	b.Write(strconv.AppendInt(num[:0], int64(len(id)), 10))
	b.WriteByte(':')
	b.WriteString(id)
	if memo != "" {
		b.WriteByte(' ')
		b.WriteString(memo)
	}
	return b.String()
}

// written is a decoded written value.
type written struct {
	Hash  string
	At    time.Time // zero when the value has none
	Id    string
	HasID bool // false for values of earlier versions: the id is in the id map
	Memo  string
}

// parseWritten decodes formatWritten, and the "hash ms" values of earlier
// versions.
func ParseWritten(v string) written {
	hash, rest, ok := strings.Cut(v, " ")
	if !ok {
		return written{Hash: v}
	}
	ms, rest, _ := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return written{Hash: hash}
	}
	w := written{Hash: hash, At: time.UnixMilli(n).UTC()}
	size, rest, ok := strings.Cut(rest, ":")
	length, err := strconv.Atoi(size)
	if !ok || err != nil || length < 0 || length > len(rest) {
		return w
	}
	w.Id, w.HasID = rest[:length], true
	if rest = rest[length:]; len(rest) > 0 && rest[0] == ' ' {
		w.Memo = rest[1:]
	}
	return w
}

// errEmptyKey refuses records without a home key.
var errEmptyKey = errors.New("a record has an empty home key")
