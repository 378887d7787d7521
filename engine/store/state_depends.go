package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/stored"
)

// The dependency index says, per direction and entity, which included
// records (a model entity and a key) the last payload written for each
// home key was built from, so that a run that sees an included record
// change can find the records to map again without reading everything.
// It has two halves, both under the instance's hash tag:
//
//   - the includes hash (keys.Includes) maps a home key to its included
//     records, each with the hash of its content when the payload was
//     built; a commit replaces the value, so a record's stale edges go
//     with its next write;
//   - a sorted set per included model entity (keys.Dependents) holds one
//     member per edge, "included key NUL hash NUL home key", all with
//     score 0, so that the dependents of one included record are one
//     lexicographic range, read a batch at a time.
//
// An included key containing a NUL byte is not indexed: such a
// dependent is mapped again only by a full read.

// includesFormat marks every value of the includes hash with the version
// of its format.
const includesFormat stored.Version = "v1"

// Include is one included record a payload was built from.
type Include struct {
	// Model is the included record's model entity. Required.
	Model string
	// Key is the included record's key. Empty records no dependency.
	Key string
	// Hash is the hash of the included record's content as the payload
	// used it (no NUL byte); a dependent whose stored hash differs from
	// the record's current one was built from an older version of it.
	Hash string
}

// Depends is the included records of one written record; it replaces
// what the index knew of the key.
type Depends struct {
	// Key is the dependent's home key. Required.
	Key      string
	Includes []Include
}

// Dependent is one record whose last payload was built from an included
// record.
type Dependent struct {
	// Key is the dependent's home key.
	Key string
	// Included is the included record's key.
	Included string
	// Hash is the included record's hash when the payload was built.
	Hash string
}

// member is the sorted set member of an edge.
func (i Include) member(home string) string {
	return i.Key + "\x00" + i.Hash + "\x00" + home
}

// indexed reports whether an edge can be kept in the index.
func (i Include) indexed() bool {
	return i.Key != "" && !strings.ContainsRune(i.Key, 0) && !strings.ContainsRune(i.Hash, 0)
}

// formatIncludes encodes the included records of a key as one hash
// value: "v1 " and per record its model, key and hash, each as
// "len:text". No indexed record encodes as "".
func formatIncludes(incs []Include) string {
	var b []byte
	for _, inc := range incs {
		if !inc.indexed() {
			continue
		}
		if b == nil {
			b = includesFormat.Append(nil)
		}
		for _, s := range []string{inc.Model, inc.Key, inc.Hash} {
			b = append(strconv.AppendInt(b, int64(len(s)), 10), ':')
			b = append(b, s...)
		}
	}
	return string(b)
}

// errIncludesUnmarked is the error of parseIncludes for a value not
// marked with includesFormat.
var errIncludesUnmarked = errors.New("not marked with the includes format")

// parseIncludes decodes formatIncludes; "" is none.
func parseIncludes(v string) ([]Include, error) {
	if v == "" {
		return nil, nil
	}
	rest, ok := includesFormat.Open(v)
	if !ok {
		return nil, errIncludesUnmarked
	}
	var out []Include
	for rest != "" {
		var parts [3]string
		for i := range parts {
			size, tail, found := strings.Cut(rest, ":")
			n, err := strconv.Atoi(size)
			if !found || err != nil || n < 0 || n > len(tail) {
				return nil, fmt.Errorf("not an includes value: %q", clip(v, 200))
			}
			parts[i], rest = tail[:n], tail[n:]
		}
		out = append(out, Include{Model: parts[0], Key: parts[1], Hash: parts[2]})
	}
	return out, nil
}

// includesError turns an error of parseIncludes of value v into the
// state's error, with where the value was found and what to do.
func (s *State) includesError(err error, v string, dir instance.Direction, entity, key string) error {
	what := fmt.Sprintf("dependency index of instance %q, %s %s %q", s.instance, dir, entity, key)
	if errors.Is(err, errIncludesUnmarked) {
		return includesFormat.Refuse(v, what, s.rebuild())
	}
	return stored.Damaged(what, err)
}

// dependsKeys are the home keys whose index entries a batch replaces or
// removes.
func (b Batch) dependsKeys() []string {
	out := make([]string, 0, len(b.Depends)+len(b.Deleted))
	for _, d := range b.Depends {
		out = append(out, d.Key)
	}
	for _, d := range b.Deleted {
		out = append(out, d.Key)
	}
	return out
}

// oldIncludes reads the index entries a batch replaces or removes, in the
// order of dependsKeys, in one round trip; nil when it touches none.
func (s *State) oldIncludes(ctx context.Context, b Batch) ([]string, error) {
	if len(b.Depends) == 0 && len(b.Deleted) == 0 {
		return nil, nil
	}
	return s.hmget(ctx, s.keys.Includes(s.instance, string(b.Direction), b.Entity), b.dependsKeys())
}

// edges collects the members to add to and remove from each model's
// sorted set.
type edges struct {
	add, rem map[string][]any
}

// queueIncludes queues the index changes of a batch: each dependent's
// edges replace its old ones, a deleted record's edges go. old are the
// stored values, in the order of dependsKeys.
func (s *State) queueIncludes(ctx context.Context, p redis.Pipeliner, b Batch, old []string) error {
	if old == nil {
		return nil
	}
	dir := string(b.Direction)
	hash := s.keys.Includes(s.instance, dir, b.Entity)
	e := edges{add: map[string][]any{}, rem: map[string][]any{}}
	var set []any
	var gone []string
	for i, key := range b.dependsKeys() {
		var now []Include
		if i < len(b.Depends) {
			now = b.Depends[i].Includes
		}
		v := formatIncludes(now)
		if v == old[i] {
			continue
		}
		was, err := parseIncludes(old[i])
		if err != nil {
			return s.includesError(err, old[i], b.Direction, b.Entity, key)
		}
		e.collect(key, was, now)
		if v == "" {
			gone = append(gone, key)
		} else {
			set = append(set, key, v)
		}
	}
	for _, model := range slices.Sorted(maps.Keys(e.rem)) {
		p.ZRem(ctx, s.keys.Dependents(s.instance, dir, b.Entity, model), e.rem[model]...)
	}
	for _, model := range slices.Sorted(maps.Keys(e.add)) {
		zs := make([]redis.Z, len(e.add[model]))
		for i, m := range e.add[model] {
			zs[i] = redis.Z{Member: m}
		}
		p.ZAdd(ctx, s.keys.Dependents(s.instance, dir, b.Entity, model), zs...)
	}
	if len(set) > 0 {
		p.HSet(ctx, hash, set...)
	}
	if len(gone) > 0 {
		p.HDel(ctx, hash, gone...)
	}
	return nil
}

// collect notes the edges of key that go (was) and come (now).
func (e edges) collect(key string, was, now []Include) {
	for _, inc := range was {
		if inc.indexed() {
			e.rem[inc.Model] = append(e.rem[inc.Model], inc.member(key))
		}
	}
	for _, inc := range now {
		if inc.indexed() {
			e.add[inc.Model] = append(e.add[inc.Model], inc.member(key))
		}
	}
}

// Dependents calls fn with the records of dir and entity whose last
// payload was built from a record of model named by included, at most
// batch at a time, until all are passed or fn fails. It reads one batch
// per included record and round trip and never more than that, so memory
// does not grow with the index; fn may commit while it runs (an edge
// replaced meanwhile is passed again or not at all, its new hash being
// the current one). fn's error stops it and is returned.
func (s *State) Dependents(ctx context.Context, dir instance.Direction, entity, model string, included []string, batch int, fn func([]Dependent) error) error {
	batch = max(batch, 1)
	zkey := s.keys.Dependents(s.instance, string(dir), entity, model)
	var pending []lexRange
	for _, k := range included {
		if (Include{Key: k}).indexed() {
			pending = append(pending, lexRange{min: "[" + k + "\x00", max: "(" + k + "\x01"})
		}
	}
	for len(pending) > 0 {
		got, next, err := s.dependentsStep(ctx, zkey, pending, batch)
		if err != nil {
			return s.errorf(err, "read dependents of "+model+" in", dir, entity)
		}
		for start := 0; start < len(got); start += batch {
			if err := fn(got[start:min(start+batch, len(got))]); err != nil {
				return err
			}
		}
		pending = next
	}
	return nil
}

// lexRange is what is left to read of one included record's dependents.
type lexRange struct{ min, max string }

// dependentsStep reads the next batch of each range in one round trip,
// and returns the ranges with more to read.
func (s *State) dependentsStep(ctx context.Context, zkey string, ranges []lexRange, batch int) ([]Dependent, []lexRange, error) {
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(ranges))
	for i, r := range ranges {
		cmds[i] = pipe.ZRangeByLex(ctx, zkey, &redis.ZRangeBy{Min: r.min, Max: r.max, Count: int64(batch)})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, err
	}
	var out []Dependent
	var next []lexRange
	for i, cmd := range cmds {
		members := cmd.Val()
		for _, m := range members {
			inc, rest, _ := strings.Cut(m, "\x00")
			hash, key, _ := strings.Cut(rest, "\x00")
			out = append(out, Dependent{Key: key, Included: inc, Hash: hash})
		}
		if len(members) == batch {
			next = append(next, lexRange{min: "(" + members[len(members)-1], max: ranges[i].max})
		}
	}
	return out, next, nil
}

// EraseDependencies removes from the dependency index of dir and entity
// every entry that names one record: its own edges, when dependent says
// it is a record of the entity (home key key), and the edges of the entity's
// records that included it (model entity model, key key), from the
// sorted set and from those records' includes values. With dry it only
// counts. It returns the number of entries it removed or would remove.
func (s *State) EraseDependencies(ctx context.Context, dir instance.Direction, entity, model, key string, dependent, dry bool) (int, error) {
	hash := s.keys.Includes(s.instance, string(dir), entity)
	n := 0
	// The record as a dependent: its includes value and its edges.
	own := []string{""}
	if dependent {
		var err error
		if own, err = s.hmget(ctx, hash, []string{key}); err != nil {
			return 0, s.errorf(err, "reading the dependency index", dir, entity)
		}
	}
	was, err := parseIncludes(own[0])
	if err != nil {
		return 0, s.includesError(err, own[0], dir, entity, key)
	}
	if own[0] != "" {
		n += 1 + len(was)
	}
	// The record as an included one: the edges naming it, and the
	// includes values of their dependents.
	zkey := s.keys.Dependents(s.instance, string(dir), entity, model)
	members, err := s.rdb.ZRangeByLex(ctx, zkey, &redis.ZRangeBy{Min: "[" + key + "\x00", Max: "(" + key + "\x01"}).Result()
	if err != nil {
		return 0, s.errorf(err, "reading the dependency index", dir, entity)
	}
	n += len(members)
	if dry || n == 0 {
		return n, nil
	}
	var homes []string
	for _, m := range members {
		if parts := strings.SplitN(m, "\x00", 3); len(parts) == 3 && parts[2] != key {
			homes = append(homes, parts[2])
		}
	}
	values, err := s.hmget(ctx, hash, homes)
	if err != nil {
		return 0, s.errorf(err, "reading the dependency index", dir, entity)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, inc := range was {
			if inc.indexed() {
				p.ZRem(ctx, s.keys.Dependents(s.instance, string(dir), entity, inc.Model), inc.member(key))
			}
		}
		if own[0] != "" {
			p.HDel(ctx, hash, key)
		}
		if len(members) > 0 {
			p.ZRem(ctx, zkey, boxed(members)...)
		}
		for i, home := range homes {
			incs, err := parseIncludes(values[i])
			if err != nil {
				return s.includesError(err, values[i], dir, entity, home)
			}
			kept := slices.DeleteFunc(incs, func(inc Include) bool { return inc.Model == model && inc.Key == key })
			if v := formatIncludes(kept); v == "" {
				p.HDel(ctx, hash, home)
			} else {
				p.HSet(ctx, hash, home, v)
			}
		}
		return nil
	})
	if err != nil {
		return 0, s.errorf(err, "erasing from the dependency index", dir, entity)
	}
	return n, nil
}
