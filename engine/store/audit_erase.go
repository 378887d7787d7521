package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"
)

// OutcomeErased: a person's record was erased (specsync erase); the
// entry's key is the record's pseudonym, never the key itself.
const OutcomeErased Outcome = "erased"

// Erasure says which audit entries belong to an erased record and what
// stands for it instead.
type Erasure struct {
	// Entity is the record's entity.
	Entity string
	// Keys are the keys its entries may carry: the home key, and "@" and
	// the partner id for entries of pulls that knew no home key.
	Keys []string
	// Scrub are texts that must not remain anywhere in the log (the home
	// key, the partner id): each is replaced by Pseudonym in the error and
	// the string values of every entry, of any record. Empty ones are
	// ignored.
	Scrub []string
	// Pseudonym stands for the record in the masked entries.
	Pseudonym string
}

// masks reports whether e is an entry of the erased record.
func (x Erasure) masks(e Entry) bool {
	return e.Entity == x.Entity && e.Key != "" && slices.Contains(x.Keys, e.Key)
}

// apply returns e masked for the erasure and whether anything changed:
// an entry of the record keeps its time, run, action and outcome, its key
// becomes the pseudonym, its values go and its error is left as
// "(erased)"; in any other entry the scrubbed texts are replaced.
func (x Erasure) apply(e Entry) (Entry, bool) {
	if x.masks(e) {
		e.Key, e.Values = x.Pseudonym, nil
		if e.Error != "" {
			e.Error = "(erased)"
		}
		return e, true
	}
	changed := false
	if s, ok := x.scrub(e.Error); ok {
		e.Error, changed = s, true
	}
	if v, ok := x.scrubValue(map[string]any(e.Values)); ok {
		e.Values, changed = v.(map[string]any), true
	}
	return e, changed
}

// scrub replaces the scrubbed texts in s.
func (x Erasure) scrub(s string) (string, bool) {
	out := s
	for _, t := range x.Scrub {
		if t != "" {
			out = strings.ReplaceAll(out, t, x.Pseudonym)
		}
	}
	return out, out != s
}

// scrubValue replaces the scrubbed texts in every string of v, map keys
// included, copying what it changes.
func (x Erasure) scrubValue(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return x.scrub(v)
	case map[string]any:
		out, changed := make(map[string]any, len(v)), false
		for k, inner := range v {
			nk, kc := x.scrub(k)
			nv, vc := x.scrubValue(inner)
			out[nk], changed = nv, changed || kc || vc
		}
		return out, changed
	case []any:
		out, changed := make([]any, len(v)), false
		for i, inner := range v {
			var c bool
			out[i], c = x.scrubValue(inner)
			changed = changed || c
		}
		return out, changed
	}
	return v, false
}

// eraseAttempts is how often Erase rewrites a log that entries were
// appended to while it was being rewritten.
const eraseAttempts = 5

// eraseChunk is how many entries one step of Erase reads and copies.
const eraseChunk = 1000

// errLogMoved makes Erase start over when the log changed under it.
var errLogMoved = errors.New("the audit log changed while it was rewritten")

// Erase masks the entries of an erased record in an instance's log and
// returns how many entries it changed.
//
// A stream's entries cannot be edited, and an entry added again would get
// a new id at the end. So the log is rewritten: every entry is copied, in
// order and with its id, to a new stream under the instance's hash tag,
// masked where the erasure asks, and the copy replaces the log by RENAME
// in a transaction that WATCHes the log; when entries were appended
// meanwhile, it starts over (at most a few times). A log without entries
// to change is left as it is. The cost is one pass over the log, which
// its caps bound.
func (a *Audit) Erase(ctx context.Context, inst string, x Erasure) (int, error) {
	key := a.keys.Audit(inst)
	for range eraseAttempts {
		n, err := a.rewrite(ctx, key, x)
		if errors.Is(err, errLogMoved) || errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("audit of instance %q: erase: %w", inst, err)
		}
		return n, nil
	}
	return 0, fmt.Errorf("audit of instance %q: erase: entries kept being appended during %d rewrites; erase again when the instance is not running", inst, eraseAttempts)
}

// rewrite makes one attempt of Erase.
func (a *Audit) rewrite(ctx context.Context, key string, x Erasure) (int, error) {
	tmp := key + ":erasing"
	changed := 0
	err := a.rdb.Watch(ctx, func(tx *redis.Tx) error {
		if err := tx.Del(ctx, tmp).Err(); err != nil {
			return err
		}
		var err error
		if changed, err = copyMasked(ctx, tx, key, tmp, x); err != nil || changed == 0 {
			tx.Del(ctx, tmp)
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Rename(ctx, tmp, key)
			return nil
		})
		return err
	}, key)
	if err != nil {
		a.rdb.Del(ctx, tmp)
	}
	return changed, err
}

// copyMasked copies the log at key to tmp, masking entries, a chunk at a
// time, and returns how many entries it changed.
func copyMasked(ctx context.Context, tx *redis.Tx, key, tmp string, x Erasure) (int, error) {
	changed, start := 0, "-"
	for {
		msgs, err := tx.XRangeN(ctx, key, start, "+", eraseChunk).Result()
		if err != nil {
			return 0, err
		}
		pipe := tx.Pipeline()
		for _, m := range msgs {
			values, c, err := maskMessage(m, x)
			if err != nil {
				return 0, err
			}
			if c {
				changed++
			}
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: tmp, ID: m.ID, Values: values})
		}
		if len(msgs) > 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return 0, err
			}
		}
		if len(msgs) < eraseChunk {
			return changed, nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

// maskMessage returns the stream values of m after the erasure and
// whether they changed. An entry of a format this version does not read
// is copied as it is.
func maskMessage(m redis.XMessage, x Erasure) ([]any, bool, error) {
	if _, ok := m.Values[fEntry]; !ok || len(m.Values) != 1 {
		out := make([]any, 0, 2*len(m.Values))
		for _, k := range slices.Sorted(maps.Keys(m.Values)) {
			out = append(out, k, m.Values[k])
		}
		return out, false, nil
	}
	e, changed := x.apply(decodeEntry(m))
	if !changed {
		return []any{fEntry, m.Values[fEntry]}, false, nil
	}
	b, err := e.encode(nil)
	if err != nil {
		return nil, false, err
	}
	return []any{fEntry, string(b)}, true, nil
}

// CountErased counts the entries of an instance's log that Erase would
// change, reading the log a chunk at a time.
func (a *Audit) CountErased(ctx context.Context, inst string, x Erasure) (int, error) {
	key, n, start := a.keys.Audit(inst), 0, "-"
	for {
		msgs, err := a.rdb.XRangeN(ctx, key, start, "+", eraseChunk).Result()
		if err != nil {
			return 0, fmt.Errorf("audit of instance %q: count entries to erase: %w", inst, err)
		}
		for _, m := range msgs {
			if _, ok := m.Values[fEntry]; !ok {
				continue
			}
			if _, changed := x.apply(decodeEntry(m)); changed {
				n++
			}
		}
		if len(msgs) < eraseChunk {
			return n, nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}
