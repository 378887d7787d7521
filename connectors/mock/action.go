package mock

import (
	"encoding/json"
	"errors"

	"github.com/specsync/specsync/specs"
)

// detachedField marks a record detached by a delete in detach mode.
const detachedField = "detached"

// stampFor says how writes through b stamp records.
func (s *Server) stampFor(b *binding, rt *setup) stamp {
	st := stamp{now: rt.now(), newID: s.ids.uuid}
	if inc := b.ent.Incremental; inc != nil {
		st.field = inc.Field
	}
	return st
}

// list reads one page of b's records; get reads the request's parameters.
// The page is cut short when the request drew the truncate fault.
func (s *Server) list(x *exchange, b *binding, get params) (listing, error) {
	pr, err := parsePage(b.paging, get)
	if err != nil {
		return listing{}, err
	}
	q, err := listFilter(b, get)
	if err != nil {
		return listing{}, err
	}
	l := newListing(b.coll.window(q, pr.from, pr.size))
	if x.d.truncate && l.truncate(x.d.cut) {
		s.stats.add(func(st *Stats) { st.Faults.Truncated++ })
	}
	return l, nil
}

// listFilter builds the modified-since and field filters of a list.
func listFilter(b *binding, get params) (listQuery, error) {
	var q listQuery
	if inc := b.ent.Incremental; inc != nil {
		if text, ok := get(inc.Param); ok {
			t, err := parseTime(text, inc.Format)
			if err != nil {
				return q, &inputError{in: "parameter", field: inc.Param, msg: err.Error()}
			}
			q.since = t.UnixNano()
		}
	}
	for _, name := range b.filters {
		if v, ok := get(name); ok {
			q.equal = append(q.equal, fieldEq{path: name, value: v})
		}
	}
	return q, nil
}

// create stores a new record. When the operation names an idempotency
// header and the request carries it, a repeated key answers the record
// the first request created, unless the server ignores the header.
func (s *Server) create(x *exchange, b *binding, doc map[string]any) (row, error) {
	st, dup := s.stampFor(b, x.rt), x.rt.opts.DuplicateCreates
	if h := b.op.IdempotencyKey; h != "" && !x.rt.opts.IgnoreIdempotency && x.r.Header.Get(h) != "" {
		r, replay, err := b.coll.createOnce(x.r.Header.Get(h), doc, st, dup)
		if err == nil {
			s.stats.add(func(st *Stats) { countCreate(st, replay) })
		}
		return r, err
	}
	r, err := b.coll.create(doc, st, dup)
	if err == nil {
		s.stats.add(func(st *Stats) { st.Creates++ })
	}
	return r, err
}

// countCreate counts a create, or its idempotent replay.
func countCreate(st *Stats, replay bool) {
	if replay {
		st.Replays++
	} else {
		st.Creates++
	}
}

// update merges doc into the record with id (or key) ident.
func (s *Server) update(x *exchange, b *binding, ident string, doc map[string]any) (row, error) {
	if ident == "" {
		return row{}, &inputError{in: "parameter", msg: "the request names no record; give its id in the path or the body"}
	}
	r, err := b.coll.update(ident, doc, s.stampFor(b, x.rt))
	if err == nil {
		s.stats.add(func(st *Stats) { st.Updates++ })
	}
	return r, err
}

// upsert updates the record with the key, or creates it.
func (s *Server) upsert(x *exchange, b *binding, key string, doc map[string]any) (row, bool, error) {
	if key == "" {
		return row{}, false, &inputError{in: "body", field: "/" + jsonPointer(b.ent.Key), msg: "an upsert needs the record's key"}
	}
	r, created, err := b.coll.upsert(key, doc, s.stampFor(b, x.rt))
	if err == nil {
		s.stats.add(func(st *Stats) {
			if created {
				st.Creates++
			} else {
				st.Updates++
			}
		})
	}
	return r, created, err
}

// remove deletes or, in detach mode, detaches the record with id (or key)
// ident.
func (s *Server) remove(x *exchange, b *binding, ident string) (row, error) {
	if ident == "" {
		return row{}, &inputError{in: "parameter", msg: "the request names no record; give its id"}
	}
	if b.op.Mode == specs.DeleteDetach {
		r, err := b.coll.detach(ident, s.stampFor(b, x.rt))
		if err == nil {
			s.stats.add(func(st *Stats) { st.Detaches++ })
		}
		return r, err
	}
	r, err := b.coll.remove(ident)
	if err == nil {
		s.stats.add(func(st *Stats) { st.Deletes++ })
	}
	return r, err
}

// identFromDoc takes a record's id, or failing that its key, from a body.
func identFromDoc(ent *specs.Entity, doc map[string]any) string {
	if ent.ID != "" {
		if id := textAt(doc, ent.ID); id != "" {
			return id
		}
	}
	return textAt(doc, ent.Key)
}

// resultBody places a written or read record at a result path: the whole
// body when the path is empty; the object holding the id when the path
// ends with the id field ("data.upsertTenant.id"); else at the path.
func resultBody(path, idField string, r row) ([]byte, error) {
	if path != "" && lastSegment(path) == idField {
		path = parentPath(path)
	}
	if path == "" {
		return r.data, nil
	}
	env := map[string]any{}
	setPath(env, path, json.RawMessage(r.data))
	return json.Marshal(env)
}

// bodyObject decodes a write body, which must be a JSON object.
func bodyObject(data []byte, where string) (map[string]any, error) {
	doc, err := decodeObject(data)
	if err != nil {
		return nil, &inputError{in: where, msg: "must be a JSON object: " + err.Error()}
	}
	return doc, nil
}

// statusOf maps handler errors to HTTP statuses.
func statusOf(err error) int {
	var ie *inputError
	switch {
	case errors.As(err, &ie):
		return 400
	case errors.Is(err, errNotFound):
		return 404
	case errors.Is(err, errConflict):
		return 409
	}
	return 500
}

// jsonPointer turns a dotted path into JSON pointer form (without the
// leading slash).
func jsonPointer(path string) string {
	out := []byte{}
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '.':
			out = append(out, '/')
		case '~':
			out = append(out, '~', '0')
		case '/':
			out = append(out, '~', '1')
		default:
			out = append(out, path[i])
		}
	}
	return string(out)
}
