package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/stored"
)

// intentFormat marks every stored create intent with the version of its
// format: "v1 hash" for a create sent but not answered, and once its
// answer arrived "v1 hash N:id memo", the payload hash written, the
// length of the partner id in bytes and the id, then the writer's memo
// (Confirm).
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

// Confirmation is the answer to a create, recorded as soon as it arrives
// (Confirm): the partner id and what a page commit stores of the write.
// A run killed before its page is committed finds the record created
// with this id (Known.Confirmed) instead of guessing.
type Confirmation struct {
	Direction instance.Direction
	Entity    string
	// Key is the home key. Required.
	Key string
	// PartnerID is the partner's id; empty means the partner uses the home
	// key as its id (Written.PartnerID).
	PartnerID string
	// Hash and Memo are the payload hash written and the writer's memo.
	Hash, Memo string
	// Pending marks a create about to be sent rather than answered: only
	// its intent (Key and Hash) is recorded, as MarkIntents does.
	Pending bool
}

// Confirm records the answers of creates on their intents, and the
// intents of creates about to be sent (Confirmation.Pending), in one
// round trip however many flows they belong to. A caller confirms a
// write before its page is committed, which settles the intent.
func (s *State) Confirm(ctx context.Context, cs []Confirmation) error {
	if len(cs) == 0 {
		return nil
	}
	type target struct {
		dir    instance.Direction
		entity string
	}
	fields := map[target][]any{}
	var order []target
	for _, c := range cs {
		if c.Key == "" {
			return s.errorf(errEmptyKey, "confirm creates", c.Direction, c.Entity)
		}
		t := target{c.Direction, c.Entity}
		if _, ok := fields[t]; !ok {
			order = append(order, t)
		}
		v := c.Hash
		if !c.Pending {
			v = confirmedIntent(c)
		}
		fields[t] = append(fields[t], c.Key, intentFormat.Mark(v))
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, t := range order {
			p.HSet(ctx, s.keys.Intents(s.instance, string(t.dir), t.entity), fields[t]...)
		}
		return nil
	})
	if err != nil {
		return s.errorf(err, "confirm creates", cs[0].Direction, cs[0].Entity)
	}
	return nil
}

// confirmedIntent is the data of a confirmed intent: "hash N:id memo".
func confirmedIntent(c Confirmation) string {
	return c.Hash + " " + strconv.Itoa(len(c.PartnerID)) + ":" + c.PartnerID + " " + c.Memo
}

// parseIntent splits the data of a stored intent; ok is false when it is
// damaged.
func parseIntent(data string) (hash string, conf *Confirmation, ok bool) {
	hash, rest, confirmed := strings.Cut(data, " ")
	if !confirmed {
		return hash, nil, hash != ""
	}
	n, rest, found := strings.Cut(rest, ":")
	size, err := strconv.Atoi(n)
	if !found || err != nil || size < 0 || size >= len(rest) || rest[size] != ' ' || hash == "" {
		return "", nil, false
	}
	return hash, &Confirmation{Hash: hash, PartnerID: rest[:size], Memo: rest[size+1:]}, true
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

// openIntent decodes the stored intent v of key: the payload hash, and
// the answer when it was confirmed; "" is none. An intent of another
// format is refused with a *FormatError.
func (s *State) openIntent(v string, dir instance.Direction, entity, key string) (string, *Confirmation, error) {
	if v == "" {
		return "", nil, nil
	}
	what := fmt.Sprintf("create intent of instance %q, %s %s %q", s.instance, dir, entity, key)
	data, ok := intentFormat.Open(v)
	if !ok {
		remedy := fmt.Sprintf("remove the intents (the key %s) and run the instance again, knowing that a create "+
			"sent but never confirmed may then be sent again: check the target for duplicates", s.keys.Intents(s.instance, string(dir), entity))
		return "", nil, intentFormat.Refuse(v, what, remedy)
	}
	hash, conf, ok := parseIntent(data)
	if !ok {
		return "", nil, stored.Damaged(what, fmt.Errorf("%q is neither a payload hash nor a confirmed create", data))
	}
	if conf != nil {
		conf.Direction, conf.Entity, conf.Key = dir, entity, key
	}
	return hash, conf, nil
}

// Promote commits the confirmed creates among known (Known.Confirmed) as
// written and clears their intents: the page commit their run never
// made. Known values without a confirmation are left alone.
func (s *State) Promote(ctx context.Context, dir instance.Direction, entity string, known []Known) error {
	b := Batch{Direction: dir, Entity: entity}
	var keys []string
	for _, k := range known {
		if k.Confirmed {
			b.Written = append(b.Written, Written{Key: k.Key, PartnerID: k.PartnerID, Hash: k.Hash, Memo: k.Memo})
			keys = append(keys, k.Key)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if err := s.Commit(ctx, b); err != nil {
		return err
	}
	return s.Settle(ctx, dir, entity, keys, nil)
}

// IntentOf returns the intent of a home key: its payload hash ("" for
// none) and its answer when it was confirmed.
func (s *State) IntentOf(ctx context.Context, dir instance.Direction, entity, key string) (string, *Confirmation, error) {
	v, err := s.rdb.HGet(ctx, s.keys.Intents(s.instance, string(dir), entity), key).Result()
	if err != nil && err != redis.Nil {
		return "", nil, s.errorf(err, "read the create intent", dir, entity)
	}
	return s.openIntent(v, dir, entity, key)
}

// ResolvedHash is the payload hash an operator's resolution stores for a
// record the partner holds (ResolveCreated): it equals no payload's hash,
// so the next run compares the record and writes it over.
const ResolvedHash = "resolved"

// ResolveCreated records that the create of key reached the partner as
// the record with partnerID: the record is known as written (with
// ResolvedHash) and its intent is cleared, in one transaction.
func (s *State) ResolveCreated(ctx context.Context, dir instance.Direction, entity, key, partnerID string) error {
	if key == "" || partnerID == "" {
		return s.errorf(errEmptyKey, "resolve a create", dir, entity)
	}
	now := s.clock.Now()
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.keys.IDReverse(s.instance, string(dir), entity), partnerID, key)
		p.HSet(ctx, s.keys.Written(s.instance, string(dir), entity), key, formatWritten(ResolvedHash, now, partnerID, ""))
		p.HDel(ctx, s.keys.Intents(s.instance, string(dir), entity), key)
		return nil
	})
	if err != nil {
		return s.errorf(err, "resolve a create", dir, entity)
	}
	return nil
}
