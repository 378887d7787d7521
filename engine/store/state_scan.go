package store

import (
	"context"
	"fmt"

	"github.com/specsync/specsync/engine/instance"
)

// Mapped is a home key the state knows and its partner id.
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
	key := s.keys.Written(s.instance, string(dir), entity)
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, key, cursor, "", scanCount).Result()
		if err != nil {
			return s.errorf(err, "scan keys", dir, entity)
		}
		if len(kv) > 0 {
			page, err := s.pairs(kv, dir, entity)
			if err != nil {
				return err
			}
			if err := fn(page); err != nil {
				return fmt.Errorf("scan keys of %s %s: %w", dir, entity, err)
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// pairs turns an HSCAN reply of written values (field, value, field,
// value...) into Mapped.
func (s *State) pairs(kv []string, dir instance.Direction, entity string) ([]Mapped, error) {
	out := make([]Mapped, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		w, err := parseWritten(kv[i+1])
		if err != nil {
			return nil, s.formatError(err, dir, entity, kv[i])
		}
		out = append(out, Mapped{Key: kv[i], PartnerID: w.id})
	}
	return out, nil
}

// Count returns how many home keys dir and entity know, the base of the
// delete guard's share.
func (s *State) Count(ctx context.Context, dir instance.Direction, entity string) (int64, error) {
	n, err := s.rdb.HLen(ctx, s.keys.Written(s.instance, string(dir), entity)).Result()
	if err != nil {
		return 0, s.errorf(err, "count keys", dir, entity)
	}
	return n, nil
}
