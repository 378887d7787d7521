package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// include is one related model record a write mapping needs: the include
// name is a model entity, and key renders that record's key from the
// record being written.
type include struct {
	name  string
	model string
	key   *transforms.Template
	// ids says whether the mappings use ids.<name>; a record whose related
	// record has no id yet then fails with missing-reference.
	ids bool
}

// includes compiles the destination entity's includes and finds which of
// them the mappings use ids of. An ids.NAME without an include of that
// name takes the key from the model's references.
func (b flowBuilder) includes(f *flow) error {
	used := idsUsed(f.templates())
	for _, name := range slices.Sorted(maps.Keys(f.dst.ent.Include)) {
		t, err := f.dst.templates(b.j.cfg.Templates).Compile(f.dst.ent.Include[name])
		if err != nil {
			return fmt.Errorf("include %s: %w", name, err)
		}
		f.includes = append(f.includes, &include{name: name, model: name, key: t, ids: slices.Contains(used, name)})
	}
	for _, name := range used {
		if f.include(name) != nil {
			continue
		}
		inc, err := b.referenceInclude(f, name)
		if err != nil {
			return err
		}
		f.includes = append(f.includes, inc)
	}
	return nil
}

// referenceInclude builds an include for ids.NAME from the model
// reference of the flow's entity that points at NAME.
func (b flowBuilder) referenceInclude(f *flow, name string) (*include, error) {
	me := b.j.l.Model.Entities[f.model]
	for _, field := range slices.Sorted(maps.Keys(me.References)) {
		if me.References[field] != name {
			continue
		}
		t, err := b.j.cfg.Templates.Compile("{{ " + varRecord + "." + field + " }}")
		if err != nil {
			return nil, fmt.Errorf("ids.%s: %w", name, err)
		}
		return &include{name: name, model: name, key: t, ids: true}, nil
	}
	return nil, fmt.Errorf("the write mapping uses ids.%s, but the entity has no include %q and model entity %q no reference to it; add \"include\": {%q: \"{{ %s.<field> }}\"}", name, name, f.model, name, f.model)
}

// templates lists every template of the flow's write side: the write
// mapping and the parameters of its operations.
func (f *flow) templates() []string {
	out := templatesOf(map[string]any(f.dst.ent.Write))
	e := f.dst.ent
	for _, op := range []*specs.Operation{e.Create, e.Update, e.Upsert, e.Delete} {
		if op == nil {
			continue
		}
		for _, t := range op.Params {
			out = append(out, t)
		}
		for _, t := range op.Variables {
			out = append(out, t)
		}
	}
	return out
}

// include returns the flow's include called name, or nil.
func (f *flow) include(name string) *include {
	for _, inc := range f.includes {
		if inc.name == name {
			return inc
		}
	}
	return nil
}

// includeCache keeps model records read in a run for the includes of
// later entities, as JSON, up to a number of records; the oldest go
// first. It is safe for concurrent use.
type includeCache struct {
	mu    sync.Mutex
	max   int
	m     map[string][]byte
	order []string
	next  int
}

// newIncludeCache returns a cache of at most max records.
func newIncludeCache(max int) *includeCache {
	return &includeCache{max: max, m: make(map[string][]byte)}
}

// cacheKey names a record of a model entity.
func cacheKey(model, key string) string { return model + "\x00" + key }

// put stores a record, evicting the oldest when full.
func (c *includeCache) put(model, key string, rec map[string]any) {
	data, err := json.Marshal(rec)
	if err != nil || c.max <= 0 {
		return
	}
	k := cacheKey(model, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		c.m[k] = data
		return
	}
	if len(c.order) < c.max {
		c.order = append(c.order, k)
	} else {
		delete(c.m, c.order[c.next])
		c.order[c.next] = k
		c.next = (c.next + 1) % c.max
	}
	c.m[k] = data
}

// get returns a copy of a stored record.
func (c *includeCache) get(model, key string) (map[string]any, bool) {
	c.mu.Lock()
	data, ok := c.m[cacheKey(model, key)]
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	rec, err := decodeRecord(data)
	return rec, err == nil
}

// decodeRecord decodes a JSON object with numbers as json.Number.
func decodeRecord(data []byte) (map[string]any, error) {
	v, err := jsonvalue.Decode(data)
	if err != nil || v == nil {
		return nil, err
	}
	rec, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a record must be a JSON object, not %T", v)
	}
	return rec, nil
}

// includeHash is the hash of an included record's content that the
// dependency index keeps with each edge ("" for a record the home system
// does not have): a dependent whose stored hash differs from the
// record's current one was built from an older version of it.
func includeHash(rec map[string]any) string {
	if rec == nil {
		return ""
	}
	return strconv.FormatUint(inputSum(rec), 16)
}

// errMissingInclude marks an included record that the home system does
// not have.
var errMissingInclude = errors.New("related record not found")
