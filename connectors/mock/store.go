package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/specsync/specsync/specs"
)

// Store errors. Handlers turn them into 404 and 409 answers.
var (
	errNotFound = errors.New("not found")
	errConflict = errors.New("already exists")
)

// compactAfter is the number of deleted rows a collection tolerates before
// it compacts (and only when they are also half of its rows).
const compactAfter = 1024

// viewCacheSize bounds the filtered views a collection remembers.
const viewCacheSize = 8

// row is one stored record. The record itself is kept as its JSON text: a
// million records then cost little more than their text, and a list page is
// written by copying bytes.
type row struct {
	seq      uint64 // insertion order; cursors point at it
	id       string // the system's id; the key when the entity has no id path
	key      string // the home key; "" when the record has none
	mod      int64  // modification time in unix nanoseconds; 0 when unknown
	data     []byte // the record as JSON; nil once deleted
	detached bool
}

func (r *row) live() bool { return r.data != nil }

// collection holds the records behind one API resource. Entities whose
// operations share a resource (casavi tenants and owners are both contacts)
// share a collection. Rows are kept in insertion order; deletes leave
// tombstones that are compacted away once they are many.
//
// A collection is safe for concurrent use.
type collection struct {
	name    string // for messages: the entity names, joined
	idPath  string // "" means the key is the id
	keyPath string
	intIDs  bool // server ids are integers counting up, not UUIDs

	mu       sync.RWMutex
	rows     []row
	byID     map[string]int32 // unused when idPath == ""
	byKey    map[string]int32 // first live row per key
	dead     int              // tombstones in rows
	detached int
	dups     int    // rows sharing a key with an earlier row
	seq      uint64 // last seq handed out
	lastInt  uint64 // largest integer id stored, when intIDs
	version  uint64 // bumped on every write; filtered views depend on it

	views viewCache
	idem  map[string]string // idempotency key -> id of the record it created
}

func newCollection(name, idPath, keyPath string) *collection {
	if idPath == keyPath {
		idPath = ""
	}
	c := &collection{name: name, idPath: idPath, keyPath: keyPath, byKey: map[string]int32{}}
	if idPath != "" {
		c.byID = map[string]int32{}
	}
	return c
}

// stamp says how a write marks the record it stores.
type stamp struct {
	// field is the incremental field; "" means none is stamped.
	field string
	// now is the time of the write.
	now time.Time
	// keep, for seeds, keeps a field value already present.
	keep bool
	// format is the layout of the field when it is kept.
	format specs.TimeFormat
	// newID makes a server id.
	newID func() string
}

// create stores doc as a new record. A key already present is a conflict
// unless allowDup.
func (c *collection) create(doc map[string]any, st stamp, allowDup bool) (row, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.insertLocked(doc, st, allowDup)
}

// createOnce is create under an idempotency key: a key seen before returns
// the record it created (replay true) instead of creating another.
func (c *collection) createOnce(idem string, doc map[string]any, st stamp, allowDup bool) (r row, replay bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, seen := c.idem[idem]; seen {
		if p, ok := c.findLocked(id); ok {
			return c.rows[p], true, nil
		}
	}
	if r, err = c.insertLocked(doc, st, allowDup); err != nil {
		return row{}, false, err
	}
	if c.idem == nil {
		c.idem = map[string]string{}
	}
	c.idem[idem] = r.id
	return r, false, nil
}

func (c *collection) insertLocked(doc map[string]any, st stamp, allowDup bool) (row, error) {
	c.assignID(doc, st)
	r, err := c.encode(doc, st)
	if err != nil {
		return row{}, err
	}
	if c.idPath != "" {
		if _, taken := c.byID[r.id]; taken {
			return row{}, fmt.Errorf("%s id %q (%s): %w", c.name, r.id, c.idPath, errConflict)
		}
	}
	if _, taken := c.byKey[r.key]; taken && r.key != "" {
		if !allowDup {
			return row{}, fmt.Errorf("%s key %q (%s): %w", c.name, r.key, c.keyPath, errConflict)
		}
		c.dups++
	}
	c.seq++
	r.seq = c.seq
	if n, err := strconv.ParseUint(r.id, 10, 64); err == nil && c.intIDs {
		c.lastInt = max(c.lastInt, n)
	}
	c.appendLocked(r)
	return r, nil
}

func (c *collection) appendLocked(r row) {
	pos := int32(len(c.rows))
	c.rows = append(c.rows, r)
	if c.idPath != "" {
		c.byID[r.id] = pos
	}
	if _, taken := c.byKey[r.key]; !taken && r.key != "" {
		c.byKey[r.key] = pos
	}
	c.version++
}

// assignID gives doc a server id when the entity has an id path and doc has
// none, or a key when the key is the id and doc has none.
func (c *collection) assignID(doc map[string]any, st stamp) {
	path := c.idPath
	if path == "" {
		path = c.keyPath
	}
	switch {
	case path == "" || textAt(doc, path) != "":
	case c.intIDs:
		setPath(doc, path, json.Number(strconv.FormatUint(c.lastInt+1, 10)))
	case st.newID != nil:
		setPath(doc, path, st.newID())
	}
}

// encode stamps doc and turns it into a row (without seq).
func (c *collection) encode(doc map[string]any, st stamp) (row, error) {
	r := row{key: textAt(doc, c.keyPath), mod: st.apply(doc)}
	r.id = r.key
	if c.idPath != "" {
		r.id = textAt(doc, c.idPath)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return row{}, fmt.Errorf("%s: record cannot be stored as JSON: %w", c.name, err)
	}
	r.data = data
	r.detached = doc[detachedField] == true
	return r, nil
}

// apply writes the modification time into doc and returns it in unix
// nanoseconds (0 when the entity has no incremental field).
func (st stamp) apply(doc map[string]any) int64 {
	if st.field == "" {
		return 0
	}
	if st.keep {
		if text := textAt(doc, st.field); text != "" {
			t, err := parseTime(text, st.format)
			if err != nil {
				return 0
			}
			return t.UnixNano()
		}
	}
	setPath(doc, st.field, st.now.UTC().Format(time.RFC3339Nano))
	return st.now.UnixNano()
}

// find returns the position of the live row whose id, or failing that whose
// key, is ident.
func (c *collection) findLocked(ident string) (int, bool) {
	if c.idPath != "" {
		if p, ok := c.byID[ident]; ok {
			return int(p), true
		}
	}
	p, ok := c.byKey[ident]
	return int(p), ok
}

// get returns the record with id (or key) ident, detached or not.
func (c *collection) get(ident string) (row, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.findLocked(ident)
	if !ok {
		return row{}, false
	}
	return c.rows[p], true
}

// withKey returns every live record with the key, duplicates included.
func (c *collection) withKey(key string) []row {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.byKey[key]
	if !ok {
		return nil
	}
	if c.dups == 0 {
		return []row{c.rows[p]}
	}
	var out []row
	for i := int(p); i < len(c.rows); i++ {
		if r := c.rows[i]; r.live() && r.key == key {
			out = append(out, r)
		}
	}
	return out
}

// update merges patch over the record with id (or key) ident.
func (c *collection) update(ident string, patch map[string]any, st stamp) (row, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.findLocked(ident)
	if !ok {
		return row{}, fmt.Errorf("%s %q: %w", c.name, ident, errNotFound)
	}
	return c.replaceLocked(p, patch, st)
}

// upsert updates the record with the key, or creates it.
func (c *collection) upsert(key string, patch map[string]any, st stamp) (r row, created bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key != "" && textAt(patch, c.keyPath) == "" {
		setPath(patch, c.keyPath, key)
	}
	if p, ok := c.byKey[key]; ok && key != "" {
		r, err = c.replaceLocked(int(p), patch, st)
		return r, false, err
	}
	r, err = c.insertLocked(patch, st, false)
	return r, err == nil, err
}

// replaceLocked merges patch over row p. The id never changes; a changed
// key is re-indexed; a detached record is attached again.
func (c *collection) replaceLocked(p int, patch map[string]any, st stamp) (row, error) {
	old := c.rows[p]
	doc, err := decodeObject(old.data)
	if err != nil {
		return row{}, fmt.Errorf("%s %q: stored record is damaged: %w", c.name, old.id, err)
	}
	maps.Copy(doc, patch) // doc is a fresh decode, ours to change
	delete(doc, detachedField)
	if c.idPath != "" {
		var id any = old.id
		if c.intIDs {
			id = json.Number(old.id) // as the record was created: a number
		}
		setPath(doc, c.idPath, id)
	}
	r, err := c.encode(doc, st)
	if err != nil {
		return row{}, err
	}
	if err := c.rekeyLocked(p, old.key, r.key); err != nil {
		return row{}, err
	}
	return c.storeLocked(p, r), nil
}

// storeLocked puts r in place of row p, keeping its seq.
func (c *collection) storeLocked(p int, r row) row {
	old := c.rows[p]
	r.seq = old.seq
	if old.detached != r.detached {
		if r.detached {
			c.detached++
		} else {
			c.detached--
		}
	}
	c.rows[p] = r
	c.version++
	return r
}

// rekeyLocked moves row p from key from to key to in the key index.
func (c *collection) rekeyLocked(p int, from, to string) error {
	if from == to {
		return nil
	}
	if q, taken := c.byKey[to]; taken && to != "" && int(q) != p {
		return fmt.Errorf("%s key %q (%s) belongs to another record: %w", c.name, to, c.keyPath, errConflict)
	}
	c.unindexKeyLocked(p, from)
	if to != "" {
		c.byKey[to] = int32(p)
	}
	return nil
}

// unindexKeyLocked removes row p from the key index; a duplicate of the
// same key takes its place.
func (c *collection) unindexKeyLocked(p int, key string) {
	q, ok := c.byKey[key]
	if !ok || key == "" {
		return
	}
	if int(q) != p {
		c.dups-- // p was a duplicate
		return
	}
	delete(c.byKey, key)
	if c.dups == 0 {
		return
	}
	for i := p + 1; i < len(c.rows); i++ {
		if r := c.rows[i]; r.live() && r.key == key {
			c.byKey[key] = int32(i)
			c.dups--
			return
		}
	}
}

// remove deletes the record with id (or key) ident.
func (c *collection) remove(ident string) (row, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.findLocked(ident)
	if !ok {
		return row{}, fmt.Errorf("%s %q: %w", c.name, ident, errNotFound)
	}
	old := c.rows[p]
	c.unindexKeyLocked(p, old.key)
	if c.idPath != "" {
		delete(c.byID, old.id)
	}
	if old.detached {
		c.detached--
	}
	c.rows[p].data = nil
	c.rows[p].detached = false
	c.dead++
	c.version++
	if c.dead > compactAfter && c.dead*2 > len(c.rows) {
		c.compactLocked()
	}
	return old, nil
}

// detach marks the record with id (or key) ident as detached: it stays,
// with `"detached": true`, but lists leave it out.
func (c *collection) detach(ident string, st stamp) (row, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.findLocked(ident)
	if !ok {
		return row{}, fmt.Errorf("%s %q: %w", c.name, ident, errNotFound)
	}
	doc, err := decodeObject(c.rows[p].data)
	if err != nil {
		return row{}, fmt.Errorf("%s %q: stored record is damaged: %w", c.name, ident, err)
	}
	doc[detachedField] = true
	r, err := c.encode(doc, st)
	if err != nil {
		return row{}, err
	}
	return c.storeLocked(p, r), nil
}

// compactLocked drops tombstones and rebuilds the indexes.
func (c *collection) compactLocked() {
	live := c.rows[:0]
	for _, r := range c.rows {
		if r.live() {
			live = append(live, r)
		}
	}
	clear(c.rows[len(live):])
	c.rows = live
	c.dead = 0
	clear(c.byKey)
	if c.idPath != "" {
		clear(c.byID)
	}
	for i, r := range c.rows {
		if c.idPath != "" {
			c.byID[r.id] = int32(i)
		}
		if _, taken := c.byKey[r.key]; !taken && r.key != "" {
			c.byKey[r.key] = int32(i)
		}
	}
	c.version++
}

// snapshot returns the live records matching q (detached ones included),
// sorted by key, then id, then insertion.
func (c *collection) snapshot(q listQuery) []row {
	c.mu.RLock()
	out := make([]row, 0, len(c.rows)-c.dead)
	for i := range c.rows {
		if r := &c.rows[i]; r.live() && q.matchData(r) {
			out = append(out, *r)
		}
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.key != b.key {
			return a.key < b.key
		}
		if a.id != b.id {
			return a.id < b.id
		}
		return a.seq < b.seq
	})
	return out
}

// listQuery filters a list: a modified-since time and field equalities.
type listQuery struct {
	since int64 // unix nanoseconds; 0 means no filter
	equal []fieldEq
}

// fieldEq keeps records whose field at path has the text value.
type fieldEq struct{ path, value string }

// key identifies the query in the view cache.
func (q listQuery) key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", q.since)
	for _, e := range q.equal {
		fmt.Fprintf(&b, "\x00%s=%s", e.path, e.value)
	}
	return b.String()
}

// match reports whether a listed row passes q: live, attached, modified at
// or after since (rows without a known time always pass) and equal fields.
func (q listQuery) match(r *row) bool {
	if !r.live() || r.detached {
		return false
	}
	if q.since != 0 && r.mod != 0 && r.mod < q.since {
		return false
	}
	return q.matchData(r)
}

// matchData checks the field equalities only.
func (q listQuery) matchData(r *row) bool {
	if len(q.equal) == 0 {
		return true
	}
	doc, err := decodeObject(r.data)
	if err != nil {
		return false
	}
	for _, e := range q.equal {
		if textAt(doc, e.path) != e.value {
			return false
		}
	}
	return true
}

// viewCache remembers, per query, the positions of the rows that match it,
// valid for one collection version.
type viewCache struct {
	mu      sync.Mutex
	version uint64
	m       map[string][]int32
}

// view returns the positions matching q; c.mu must be read-locked.
func (c *collection) viewLocked(q listQuery) []int32 {
	k := q.key()
	c.views.mu.Lock()
	if c.views.m == nil || c.views.version != c.version || len(c.views.m) >= viewCacheSize {
		c.views.version, c.views.m = c.version, map[string][]int32{}
	}
	v, ok := c.views.m[k]
	c.views.mu.Unlock()
	if ok {
		return v
	}
	v = make([]int32, 0, len(c.rows)-c.dead-c.detached)
	for i := range c.rows {
		if q.match(&c.rows[i]) {
			v = append(v, int32(i))
		}
	}
	c.views.mu.Lock()
	if c.views.version == c.version {
		c.views.m[k] = v
	}
	c.views.mu.Unlock()
	return v
}

// start says where a page begins: at an offset among the matching
// records, or after the record with a seq (cursors).
type start struct {
	offset   int
	after    uint64
	useAfter bool
}

// page is a slice of a listing.
type page struct {
	data    [][]byte // the records' JSON
	seqs    []uint64 // the records' seqs, for per-record cursors
	lastSeq uint64   // seq of the last record, 0 when empty
	total   int      // records matching the query
	end     int      // offset just after the page
}

// rowsPage makes a page of rows.
func rowsPage(rows []row) page {
	p := page{total: len(rows), end: len(rows)}
	for _, r := range rows {
		p.data = append(p.data, r.data)
		p.seqs = append(p.seqs, r.seq)
		p.lastSeq = r.seq
	}
	return p
}

// window returns up to n records matching q from where s says.
// It costs O(n) when the collection has no tombstones, detached records or
// filter, and O(log rows + n) when the view of q is cached.
func (c *collection) window(q listQuery, s start, n int) page {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var at func(i int) *row
	var total int
	if q.since == 0 && len(q.equal) == 0 && c.dead == 0 && c.detached == 0 {
		total = len(c.rows)
		at = func(i int) *row { return &c.rows[i] }
	} else {
		v := c.viewLocked(q)
		total = len(v)
		at = func(i int) *row { return &c.rows[v[i]] }
	}
	from := s.offset
	if s.useAfter {
		from = sort.Search(total, func(i int) bool { return at(i).seq > s.after })
	}
	from = min(max(from, 0), total)
	end := from + min(max(n, 0), total-from)
	p := page{data: make([][]byte, 0, end-from), seqs: make([]uint64, 0, end-from), total: total, end: end}
	for i := from; i < end; i++ {
		r := at(i)
		p.data = append(p.data, r.data)
		p.seqs = append(p.seqs, r.seq)
		p.lastSeq = r.seq
	}
	return p
}

// count returns the number of live rows.
func (c *collection) count() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.rows) - c.dead
}
