package standins

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/specs"
)

// ERP is the home system's stand-in: the spec-driven mock serving the
// ERP spec, seeded with ERPData. Records change through Update, as users
// of the ERP would change them.
//
// An ERP is an http.Handler and is safe for concurrent use.
type ERP struct {
	spec *specs.Spec
	opts mock.Options
	mu   sync.Mutex // serialises Update
	srv  atomic.Pointer[mock.Server]
}

// NewERP serves spec (examples/realestate/erp.json) with opts, seeded
// with data (ERPData, or nil for an empty ERP).
func NewERP(spec *specs.Spec, opts mock.Options, data map[string][]map[string]any) (*ERP, error) {
	e := &ERP{spec: spec, opts: opts}
	srv, err := e.build(data)
	if err != nil {
		return nil, err
	}
	e.srv.Store(srv)
	return e, nil
}

// build makes a mock server holding data.
func (e *ERP) build(data map[string][]map[string]any) (*mock.Server, error) {
	srv, err := mock.New(e.spec, e.opts)
	if err != nil {
		return nil, fmt.Errorf("ERP stand-in: %w", err)
	}
	for _, entity := range slices.Sorted(maps.Keys(data)) {
		if err := srv.Seed(entity, data[entity]); err != nil {
			return nil, fmt.Errorf("ERP stand-in: seeding %s: %w", entity, err)
		}
	}
	return srv, nil
}

// ServeHTTP answers one request of the ERP API.
func (e *ERP) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.srv.Load().ServeHTTP(w, r) }

// Records returns a snapshot of an ERP entity's records, sorted by key.
func (e *ERP) Records(entity string) []map[string]any { return e.srv.Load().Records(entity) }

// Record returns the record of entity with key id, or nil.
func (e *ERP) Record(entity, id string) map[string]any {
	for _, r := range e.Records(entity) {
		if r["id"] == id {
			return r
		}
	}
	return nil
}

// Stats returns the request and write counters since the last Update.
func (e *ERP) Stats() mock.Stats { return e.srv.Load().Stats() }

// ErrNoRecord is matched (errors.Is) by Update's error for a key the ERP
// does not have.
var ErrNoRecord = errors.New("no such record")

// Update changes the record of entity with key id as a user of the ERP
// would: change edits it, and its modification time becomes now (in
// Europe/Berlin), so incremental reads see it. Requests in flight finish
// on the old data; the counters of Stats start again.
func (e *ERP) Update(entity, id string, change func(rec map[string]any)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	data := e.snapshot()
	i := slices.IndexFunc(data[entity], func(r map[string]any) bool { return r["id"] == id })
	if i < 0 {
		return fmt.Errorf("ERP stand-in: %s %q: %w", entity, id, ErrNoRecord)
	}
	change(data[entity][i])
	data[entity][i]["modified_at"] = e.now().In(berlin()).Format(time.RFC3339)
	srv, err := e.build(data)
	if err != nil {
		return err
	}
	e.srv.Store(srv)
	return nil
}

// snapshot copies every entity's records.
func (e *ERP) snapshot() map[string][]map[string]any {
	cur := e.srv.Load()
	data := map[string][]map[string]any{}
	for name := range e.spec.Sync.Entities {
		if recs := cur.Records(name); len(recs) > 0 {
			data[name] = recs
		}
	}
	return data
}

func (e *ERP) now() time.Time {
	if e.opts.Now != nil {
		return e.opts.Now()
	}
	return time.Now()
}

// Change is one edit of an ERP record that the demo makes between its two
// runs.
type Change struct {
	Entity, ID, Field, Value string
	// Why says what happened, for the demo's output.
	Why string
}

// DemoChanges are the three edits between the demo's runs: an owner's new
// e-mail address, a renamed unit and a lease given notice. Each reaches
// both partners as exactly one update.
func DemoChanges() []Change {
	return []Change{
		{Entity: "owner", ID: "1000-80002", Field: "email", Value: "lukas.weiss@example.org", Why: "owner 1000-80002 has a new e-mail address"},
		{Entity: "unit", ID: "1000-0001-02-0004", Field: "name", Value: "Wohnung 4, 1. OG rechts (Maisonette)", Why: "unit 1000-0001-02-0004 was renamed"},
		{Entity: "lease", ID: "1000-0001-01-0001-01", Field: "end", Value: "2026-12-31", Why: "lease 1000-0001-01-0001-01 was given notice to 2026-12-31"},
	}
}

// Apply makes the change in the ERP.
func (c Change) Apply(e *ERP) error {
	return e.Update(c.Entity, c.ID, func(rec map[string]any) { rec[c.Field] = c.Value })
}
