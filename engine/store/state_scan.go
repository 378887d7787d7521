package store

import (
	"context"
	"fmt"

	"github.com/specsync/specsync/engine/instance"
)

// Mapped is one entry of the id map: a home key and its partner id.
type Mapped struct {
	Key       string
	PartnerID string
}

// scanCount is the COUNT hint of one HSCAN step.
const scanCount = 1000

// Scan calls fn with every home key known in dir and entity, a page at a
// time (about a thousand per call, in no particular order), for delete
// detection after a complete read. A key may be passed twice when the map
// changes during the scan, never left out unless it was removed. fn's
// error stops the scan and is returned.
func (s *State) Scan(ctx context.Context, dir instance.Direction, entity string, fn func([]Mapped) error) error {
	key, id, err := s.idSource(ctx, dir, entity)
	if err != nil {
		return err
	}
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, key, cursor, "", scanCount).Result()
		if err != nil {
			return s.errorf(err, "scan keys", dir, entity)
		}
		if len(kv) > 0 {
			if err := fn(pairs(kv, id)); err != nil {
				return fmt.Errorf("scan keys of %s %s: %w", dir, entity, err)
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// idSource is the hash that has a field for every home key dir and entity
// know, and how to take the partner id out of its values: the written
// values, or the id map of earlier versions while one is left.
func (s *State) idSource(ctx context.Context, dir instance.Direction, entity string) (key string, id func(value string) string, err error) {
	idMap, err := s.hasIDMap(ctx, dir, entity)
	if err != nil {
		return "", nil, err
	}
	if idMap {
		return s.keys.IDMap(s.instance, string(dir), entity), func(v string) string { return v }, nil
	}
	return s.keys.Written(s.instance, string(dir), entity), func(v string) string { return ParseWritten(v).Id }, nil
}

// pairs turns an HSCAN reply (field, value, field, value...) into Mapped,
// taking the partner id out of each value with id.
func pairs(kv []string, id func(value string) string) []Mapped {
	out := make([]Mapped, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Mapped{Key: kv[i], PartnerID: id(kv[i+1])})
	}
	return out
}

// Count returns how many home keys dir and entity know, the base of the
// delete guard's share.
func (s *State) Count(ctx context.Context, dir instance.Direction, entity string) (int64, error) {
	key, _, err := s.idSource(ctx, dir, entity)
	if err != nil {
		return 0, err
	}
	n, err := s.rdb.HLen(ctx, key).Result()
	if err != nil {
		return 0, s.errorf(err, "count keys", dir, entity)
	}
	return n, nil
}
