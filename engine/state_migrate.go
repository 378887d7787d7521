package engine

import (
	"context"
)

// MigrateIDs moves the partner ids of dir and entity from the id map of
// earlier versions into the written values, then drops the id map. It
// goes a thousand records at a time; a migration cut short leaves the id
// map, and the next one finishes it (a value that has its id already
// keeps it). Readers see the same ids throughout.
func (s *State) MigrateIDs(ctx context.Context, dir Direction, entity string) error {
	idMapKey := s.keys.IDMap(s.instance, string(dir), entity)
	writtenKey := s.keys.Written(s.instance, string(dir), entity)
	now := s.clock.Now()
	var cursor uint64
	for {
		kv, next, err := s.rdb.HScan(ctx, idMapKey, cursor, "", scanCount).Result()
		if err != nil {
			return s.errorf(err, "migrate ids", dir, entity)
		}
		if len(kv) > 0 {
			mapped := pairs(kv, func(v string) string { return v })
			keys := make([]string, len(mapped))
			for i, m := range mapped {
				keys[i] = m.Key
			}
			values, err := s.hmget(ctx, writtenKey, keys)
			if err != nil {
				return s.errorf(err, "migrate ids", dir, entity)
			}
			fields := make([]any, 0, 2*len(mapped))
			for i, m := range mapped {
				w := parseWritten(values[i])
				if w.hasID {
					continue
				}
				fields = append(fields, m.Key, formatWritten(w.hash, orDefault(w.at, now), m.PartnerID, w.memo))
			}
			if len(fields) > 0 {
				if err := s.rdb.HSet(ctx, writtenKey, fields...).Err(); err != nil {
					return s.errorf(err, "migrate ids", dir, entity)
				}
			}
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	if err := s.rdb.Unlink(ctx, idMapKey).Err(); err != nil {
		return s.errorf(err, "migrate ids", dir, entity)
	}
	s.noteIDMap(dir, entity, false)
	return nil
}
