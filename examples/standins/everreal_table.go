package standins

import (
	"slices"
	"time"
)

// entrier is a record type of the EverReal stand-in: it embeds an Entry.
type entrier[T any] interface {
	*T
	entry() *Entry
}

// table holds one kind of EverReal record by EverReal id, indexed by the
// external id of the records the integration owns. Its owner's mutex
// guards it.
type table[T any] struct {
	byID  map[string]*T
	byExt map[string]string // external id -> EverReal id, owned records only
	order []string          // EverReal ids in creation order
	ext   func(*T) string
}

func newTable[T any](ext func(*T) string) *table[T] {
	return &table[T]{byID: map[string]*T{}, byExt: map[string]string{}, ext: ext}
}

// find returns the record with EverReal id id, or else the owned record
// with external id ext.
func (t *table[T]) find(id, ext string) *T {
	if id != "" {
		return t.byID[id]
	}
	return t.byID[t.byExt[ext]]
}

// byExternal returns the owned record with external id ext, or nil.
func (t *table[T]) byExternal(ext string) *T { return t.byID[t.byExt[ext]] }

// put stores rec under id, indexing its external id while owned.
func (t *table[T]) put(id string, rec *T, owned bool) {
	if _, seen := t.byID[id]; !seen {
		t.order = append(t.order, id)
	}
	for k, v := range t.byExt {
		if v == id {
			delete(t.byExt, k)
		}
	}
	t.byID[id] = rec
	if owned {
		t.byExt[t.ext(rec)] = id
	}
}

// remove deletes the record with EverReal id id.
func (t *table[T]) remove(id string) {
	if rec := t.byID[id]; rec != nil {
		delete(t.byExt, t.ext(rec))
	}
	delete(t.byID, id)
	t.order = slices.DeleteFunc(t.order, func(s string) bool { return s == id })
}

// all returns copies of every record in creation order.
func (t *table[T]) all() []T {
	out := make([]T, 0, len(t.order))
	for _, id := range t.order {
		out = append(out, *t.byID[id])
	}
	return out
}

// page returns the records keep accepts, skip and take applied, with the
// number accepted. Records are in creation order; each is a copy.
func page[T any, P entrier[T]](t *table[T], q listQuery, keep func(*T) bool) ([]*T, int32) {
	var out []*T
	n := 0
	for _, id := range t.order {
		rec := t.byID[id]
		if !keep(rec) || !P(rec).entry().updated.After(q.after) {
			continue
		}
		if n >= q.skip && len(out) < q.take {
			c := *rec
			out = append(out, &c)
		}
		n++
	}
	return out, int32(n)
}

// listQuery is a decoded QueryInput.
type listQuery struct {
	skip, take int
	after      time.Time // zero for no filter
}

// owned is the filter of the lists of integration records.
func owned[T any, P entrier[T]](rec *T) bool { return P(rec).entry().Integration }
