package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"
	"github.com/specsync/specsync/engine/instance"
)

// LedgerFilter narrows List and Count. The zero value matches every
// failure of the instance.
type LedgerFilter struct {
	// Direction keeps one direction. Empty means both.
	Direction instance.Direction
	// Entity keeps one entity. Empty means all.
	Entity string
	// Limit caps the failures List returns. Zero means no cap.
	Limit int
}

// matches reports whether a failure of dir and entity passes f.
func (f LedgerFilter) matches(dir instance.Direction, entity string) bool {
	return (f.Direction == "" || f.Direction == dir) && (f.Entity == "" || f.Entity == entity)
}

// indexPage is how many index members List reads per round trip.
const indexPage = 500

// List returns the failures matching f, the latest failure first.
func (l *Ledger) List(ctx context.Context, f LedgerFilter) ([]Failure, error) {
	var out []Failure
	for start := int64(0); ; start += indexPage {
		members, err := l.rdb.ZRevRange(ctx, l.keys.FailureIndex(l.instance), start, start+indexPage-1).Result()
		if err != nil {
			return nil, fmt.Errorf("failure ledger of instance %q: list: %w", l.instance, err)
		}
		page, err := l.loadMembers(ctx, members, f)
		if err != nil {
			return nil, fmt.Errorf("failure ledger of instance %q: list: %w", l.instance, err)
		}
		out = append(out, page...)
		if f.Limit > 0 && len(out) >= f.Limit {
			return out[:f.Limit], nil
		}
		if len(members) < indexPage {
			return out, nil
		}
	}
}

// group is the keys of one direction and entity among index members.
type group struct {
	dir    instance.Direction
	entity string
	keys   []string
}

// loadMembers loads the failures of the index members that pass f, in
// the members' order, with one round trip.
func (l *Ledger) loadMembers(ctx context.Context, members []string, f LedgerFilter) ([]Failure, error) {
	var groups []*group
	order := map[string]int{}
	for _, m := range members {
		dir, entity, key, ok := parseMember(m)
		if !ok || !f.matches(dir, entity) {
			continue
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return g.dir == dir && g.entity == entity })
		if i < 0 {
			i, groups = len(groups), append(groups, &group{dir: dir, entity: entity})
		}
		groups[i].keys = append(groups[i].keys, key)
		order[m] = len(order)
	}
	out, err := l.loadGroups(ctx, groups)
	slices.SortFunc(out, func(a, b Failure) int {
		return cmp.Compare(order[indexMember(a.Direction, a.Entity, a.Key)], order[indexMember(b.Direction, b.Entity, b.Key)])
	})
	return out, err
}

// loadGroups reads the failures of every group in one pipeline.
func (l *Ledger) loadGroups(ctx context.Context, groups []*group) ([]Failure, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(groups))
	for i, g := range groups {
		cmds[i] = pipe.HMGet(ctx, l.keys.Failures(l.instance, string(g.dir), g.entity), g.keys...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	var out []Failure
	for i, g := range groups {
		got, err := decodeAll(g, cmds[i].Val())
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// decodeAll decodes the HMGET values of a group; missing ones (cleared
// meanwhile) are left out.
func decodeAll(g *group, vals []any) ([]Failure, error) {
	var out []Failure
	for i, v := range vals {
		data, ok := v.(string)
		if !ok {
			continue
		}
		fl, err := decodeFailure(g.dir, g.entity, g.keys[i], data)
		if err != nil {
			return nil, err
		}
		out = append(out, fl)
	}
	return out, nil
}

// load reads the failures of keys of one direction and entity.
func (l *Ledger) load(ctx context.Context, dir instance.Direction, entity string, keys []string) ([]Failure, error) {
	return l.loadGroups(ctx, []*group{{dir: dir, entity: entity, keys: keys}})
}

// Count returns how many failures match f (its Limit is ignored).
func (l *Ledger) Count(ctx context.Context, f LedgerFilter) (int64, error) {
	var n int64
	var err error
	switch {
	case f.Direction != "" && f.Entity != "":
		n, err = l.rdb.HLen(ctx, l.keys.Failures(l.instance, string(f.Direction), f.Entity)).Result()
	case f.Direction == "" && f.Entity == "":
		n, err = l.rdb.ZCard(ctx, l.keys.FailureIndex(l.instance)).Result()
	default:
		n, err = l.countScan(ctx, f)
	}
	if err != nil {
		return 0, fmt.Errorf("failure ledger of instance %q: count: %w", l.instance, err)
	}
	return n, nil
}

// countScan counts matching index members with ZSCAN.
func (l *Ledger) countScan(ctx context.Context, f LedgerFilter) (int64, error) {
	var n int64
	iter := l.rdb.ZScan(ctx, l.keys.FailureIndex(l.instance), 0, "", indexPage).Iterator()
	for i := 0; iter.Next(ctx); i++ {
		if i%2 == 1 {
			continue // ZSCAN yields member, score, member, score...
		}
		if dir, entity, _, ok := parseMember(iter.Val()); ok && f.matches(dir, entity) {
			n++
		}
	}
	return n, iter.Err()
}
