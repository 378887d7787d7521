package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
)

// Reason codes of failed records.
const (
	CodeMissingReference = "missing-reference"
	CodeMissingKey       = "missing-key"
	CodeMapping          = "mapping"
	CodeValidation       = "validation"
	CodeInclude          = "include"
)

// homeReader reads one model entity from the home system.
type homeReader struct {
	name string
	read mapper
}

// homeReader returns, compiling it on first use, the reader of a model
// entity's home records.
func (r *run) homeReader(model string) (*homeReader, error) {
	r.readersMu.Lock()
	defer r.readersMu.Unlock()
	if h, ok := r.readers[model]; ok {
		return h, nil
	}
	name, e := homeEntity(r.l.Home, model, model)
	if e == nil || e.Get == nil {
		return nil, fmt.Errorf("the home spec has no entity of model %q with a get operation, so a related %s cannot be read", model, model)
	}
	read, err := flowBuilder{r: r}.readMapping(e.Read, r.l.Model.Schema(model))
	if err != nil {
		return nil, fmt.Errorf("home entity %s: %w", name, err)
	}
	h := &homeReader{name: name, read: read}
	r.readers[model] = h
	return h, nil
}

// need is one related record a page needs.
type need struct {
	model, key string
}

// resolve fills the includes and ids of a page's items. A record whose
// related record cannot be read, or whose mapping needs the id of a
// related record that has none yet, fails alone.
func (r *run) resolve(ctx context.Context, f *flow, items []*item) error {
	if len(f.includes) == 0 {
		return nil
	}
	for _, it := range items {
		if it.fail == nil {
			r.includeKeys(f, it)
		}
	}
	if err := r.resolveIDs(ctx, f, items); err != nil {
		return err
	}
	return r.fetchMisses(ctx, r.misses(f, items))
}

// misses lists the related records of items the cache does not have;
// those it has are handed out.
func (r *run) misses(f *flow, items []*item) map[need][]*item {
	out := map[need][]*item{}
	for _, it := range items {
		if it.fail != nil {
			continue
		}
		for _, inc := range f.includes {
			key := it.incKeys[inc.name]
			if key == "" {
				continue
			}
			if rec, ok := r.cache.get(inc.model, key); ok {
				it.inc[inc.name] = rec
				continue
			}
			n := need{inc.model, key}
			out[n] = append(out[n], it)
		}
	}
	return out
}

// includeKeys renders the include keys of one item.
func (r *run) includeKeys(f *flow, it *item) {
	it.inc = make(map[string]map[string]any, len(f.includes))
	it.incKeys = make(map[string]string, len(f.includes))
	vars := recordVars(f.model, it.rec, r.instVars)
	for _, inc := range f.includes {
		key, err := inc.key.Render(vars)
		if err != nil {
			it.failf(CodeInclude, "include %s: the key template failed: %v", inc.name, err)
			return
		}
		it.incKeys[inc.name] = key
	}
}

// fetchMisses reads the missing related records from the home system,
// a few at a time, and hands them to the items that need them.
func (r *run) fetchMisses(ctx context.Context, misses map[need][]*item) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sem  = make(chan struct{}, r.workers)
		fail error
	)
	for n, waiting := range misses {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			rec, err := r.fetchInclude(ctx, n.model, n.key)
			mu.Lock()
			defer mu.Unlock()
			fail = cmpFirst(fail, r.placeInclude(n, rec, err, waiting))
		}()
	}
	wg.Wait()
	return fail
}

// placeInclude gives a fetched record to the items waiting for it, or
// fails them. A failure that stops the run is returned.
func (r *run) placeInclude(n need, rec map[string]any, err error, waiting []*item) error {
	if err != nil && !errors.Is(err, errMissingInclude) {
		if connectors.Classify(err) == connectors.GiveUp {
			return err
		}
		for _, it := range waiting {
			it.failErr(CodeInclude, fmt.Errorf("reading the related %s %q: %w", n.model, n.key, err))
		}
		return nil
	}
	for _, it := range waiting {
		if rec != nil && it.incKeys[n.model] == n.key {
			it.inc[n.model] = rec
		}
	}
	return nil
}

// cmpFirst keeps the first non-nil error.
func cmpFirst(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// resolveIDs looks up the target ids of the included records whose ids
// the mappings use, one round trip per include.
func (r *run) resolveIDs(ctx context.Context, f *flow, items []*item) error {
	for _, inc := range f.includes {
		if !inc.ids {
			continue
		}
		if err := r.includeIDs(ctx, f, inc, items); err != nil {
			return err
		}
	}
	return nil
}

// includeIDs fills ids.<inc> of every item.
func (r *run) includeIDs(ctx context.Context, f *flow, inc *include, items []*item) error {
	var keys []string
	var owners []*item
	for _, it := range items {
		if it.fail == nil {
			keys, owners = append(keys, it.incKeys[inc.name]), append(owners, it)
		}
	}
	ids, err := r.targetIDs(ctx, f, inc.model, keys)
	if err != nil {
		return err
	}
	for i, it := range owners {
		if ids[i] == "" {
			it.failf(CodeMissingReference, "ids.%s: the related %s %q has no id in the %s system yet (not synchronised, or it failed); the record is retried on the next run", inc.name, inc.model, keys[i], f.dst.spec.Sync.System)
			continue
		}
		if it.ids == nil {
			it.ids = map[string]any{}
		}
		it.ids[inc.name] = ids[i]
	}
	return nil
}

// targetIDs returns the destination system's id of related records: on
// push the partner ids of the partner entity of that model, on pull the
// home keys themselves.
func (r *run) targetIDs(ctx context.Context, f *flow, model string, keys []string) ([]string, error) {
	out := make([]string, len(keys))
	if f.dir == instance.Pull {
		copy(out, keys)
		return out, nil
	}
	entity := r.partnerEntityOf(model)
	if entity == "" {
		return out, nil
	}
	ids, err := r.state.PartnerIDs(ctx, instance.Push, entity, nonEmpty(keys))
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		if k != "" {
			out[i], ids = ids[0], ids[1:]
			out[i] = orDefault(out[i], r.planned.id(entity, k))
		}
	}
	return out, nil
}

// nonEmpty returns the non-empty strings of list, in order.
func nonEmpty(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// partnerEntityOf returns the partner entity that carries a model
// entity: the one pushed first.
func (r *run) partnerEntityOf(model string) string {
	for _, f := range r.flows {
		if f.dir == instance.Push && f.model == model {
			return f.entity
		}
	}
	return ""
}
