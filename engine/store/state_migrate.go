package store

import (
	"cmp"
	"context"

	"github.com/specsync/specsync/engine/instance"
)

// MigrateIDs moves the partner ids of dir and entity from the id map of
// earlier versions into the written values, then drops the id map. It
// goes a page of the id map at a time (Scan); a migration cut short leaves
// the id map, and the next one finishes it (a value that has its id
// already keeps it). Readers see the same ids throughout.
func (s *State) MigrateIDs(ctx context.Context, dir instance.Direction, entity string) error {
	s.noteIDMap(dir, entity, true) // Scan reads the id map, if there is one
	writtenKey := s.keys.Written(s.instance, string(dir), entity)
	now := s.clock.Now()
	err := s.Scan(ctx, dir, entity, func(page []Mapped) error {
		keys := make([]string, len(page))
		for i, m := range page {
			keys[i] = m.Key
		}
		values, err := s.hmget(ctx, writtenKey, keys)
		if err != nil {
			return err
		}
		fields := make([]any, 0, 2*len(page))
		for i, m := range page {
			if w := ParseWritten(values[i]); !w.HasID {
				fields = append(fields, m.Key, formatWritten(w.Hash, cmp.Or(w.At, now), m.PartnerID, w.Memo))
			}
		}
		if len(fields) == 0 {
			return nil
		}
		return s.rdb.HSet(ctx, writtenKey, fields...).Err()
	})
	if err != nil {
		return s.errorf(err, "migrate ids", dir, entity)
	}
	if err := s.rdb.Unlink(ctx, s.keys.IDMap(s.instance, string(dir), entity)).Err(); err != nil {
		return s.errorf(err, "migrate ids", dir, entity)
	}
	s.noteIDMap(dir, entity, false)
	return nil
}
