package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// Seed stores records of an entity as they are, before any request:
// records without an id get one (when the entity has an id path), and
// records without their incremental field get the current time. Seeds are
// not counted in Stats. A key seen twice is refused unless
// Options.DuplicateCreates is set.
func (s *Server) Seed(entity string, records []map[string]any) error {
	info, err := s.entity(entity)
	if err != nil {
		return err
	}
	rt := s.cur.Load()
	st := stamp{now: rt.now(), newID: s.ids.uuid, keep: true}
	if inc := info.ent.Incremental; inc != nil {
		st.field, st.format = inc.Field, inc.Format
	}
	paths := []string{info.coll.idPath, info.coll.keyPath, st.field}
	for i, rec := range records {
		doc, err := seedCopy(rec, paths)
		if err != nil {
			return fmt.Errorf("%s record %d: %w", entity, i, err)
		}
		if _, err := info.coll.create(doc, st, rt.opts.DuplicateCreates); err != nil {
			return fmt.Errorf("%s record %d: %w", entity, i, err)
		}
	}
	return nil
}

// LoadSeed reads a JSON object of entity name -> array of records and
// seeds each entity with its records.
func (s *Server) LoadSeed(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading seed: %w", err)
	}
	doc, err := decodeObject(data)
	if err != nil {
		return fmt.Errorf("seed: want a JSON object of entity -> array of records: %w", err)
	}
	for _, entity := range slices.Sorted(maps.Keys(doc)) {
		list, ok := doc[entity].([]any)
		if !ok {
			return fmt.Errorf("seed: %q must be an array of records, not %s", entity, jsonvalue.Kind(doc[entity]))
		}
		records := make([]map[string]any, len(list))
		for i, v := range list {
			if records[i], ok = v.(map[string]any); !ok {
				return fmt.Errorf("seed: %s record %d must be an object, not %s", entity, i, jsonvalue.Kind(v))
			}
		}
		if err := s.Seed(entity, records); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

// Records returns a snapshot of an entity's records, sorted by key (then
// id), detached ones included (they carry "detached": true). Entities that
// share a collection see only their own records when their list operation
// has constant filter parameters (casavi's type=TENANT); otherwise they see
// the whole collection. Numbers are json.Number. An unknown entity has
// none.
func (s *Server) Records(entity string) []map[string]any {
	info, err := s.entity(entity)
	if err != nil {
		return nil
	}
	rows := info.coll.snapshot(info.scope)
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		if doc, err := decodeObject(r.data); err == nil {
			out = append(out, doc)
		}
	}
	return out
}

// Count returns the number of an entity's records, detached ones included,
// counting the whole collection it shares with other entities.
func (s *Server) Count(entity string) int {
	info, err := s.entity(entity)
	if err != nil {
		return 0
	}
	return info.coll.count()
}

func (s *Server) entity(name string) (*entityInfo, error) {
	info := s.cat.entities[name]
	if info == nil {
		return nil, fmt.Errorf("unknown entity %q; the spec has %s", name, strings.Join(slices.Sorted(maps.Keys(s.cat.entities)), ", "))
	}
	return info, nil
}

// seedCopy copies a record so that assigning an id or stamping a time
// never touches the caller's maps: a shallow copy when those paths are top
// level, else a deep copy.
func seedCopy(rec map[string]any, paths []string) (map[string]any, error) {
	if rec == nil {
		return nil, fmt.Errorf("record is null; give an object")
	}
	for _, p := range paths {
		if strings.Contains(p, ".") {
			return copyRecord(rec)
		}
	}
	return maps.Clone(rec), nil
}

// copyRecord deep-copies a record through JSON.
func copyRecord(rec map[string]any) (map[string]any, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	return decodeObject(data)
}
