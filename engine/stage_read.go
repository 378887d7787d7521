package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// source is one record as the read stage hands it on: the source
// system's object, its key, its model record, the related records its
// write mapping needs and what the state knows of it. A record the stage
// cannot read carries why (fail) and goes no further than the ledger.
type source struct {
	obj     map[string]any // the source system's API object
	key     string         // home key; on pull "" for a record the home lacks
	srcID   string         // the partner's id, on pull
	rec     map[string]any // model record
	inc     map[string]map[string]any
	incKeys []string       // the keys of the related records, by include of the flow
	ids     map[string]any // the target ids of related records, by include
	known   store.Known    // with the intent of an unconfirmed create
	adopt   *adoption      // the partner record the match step found
	fail    *failure       // why it cannot be read
	// repaired is set when the record's text was not clean and the
	// instance takes it repaired (invalidText replace).
	repaired bool
}

// readStage is the first stage of a run: it turns a page of the source's
// API objects into sources. It reads the related records from a bounded
// cache or the home system, and what the state knows in one round trip
// per page. It is safe for concurrent use across the pages of a flow.
type readStage struct {
	*job
	home     *connectors.Client
	state    *store.State
	cache    *includeCache
	homes    homeReaders
	flows    []*flow
	planned  *plannedCreates // creates a plan would make; nil for a run
	workers  int
	echoless map[*flow]bool
}

// newReadStage builds the read stage of a run.
func newReadStage(j *job, home *connectors.Client, state *store.State, flows []*flow, planned *plannedCreates) *readStage {
	return &readStage{job: j, home: home, state: state, cache: newIncludeCache(j.cfg.IncludeCache),
		homes: homeReaders{m: map[string]*homeReader{}}, flows: flows, planned: planned,
		workers: j.inst.Options.Workers(), echoless: map[*flow]bool{}}
}

// startFlow notes, before a flow's first page, whether the opposite
// direction left echo hashes (the pages of a flow without skip them).
// The echo flags are written only here, before the flow's pages are read.
func (s *readStage) startFlow(ctx context.Context, f *flow) error {
	echoes, err := s.state.HasEchoes(ctx, f.dir, f.entity)
	if err != nil {
		return fmt.Errorf("instance %q: start %s: %w", s.inst.ID, f.label(), err)
	}
	s.echoless[f] = !echoes
	return nil
}

// page reads a page of API objects: the model records and their keys,
// the related records and what the state knows of them. flaws are the
// strings of objects that were not clean text, by index in objs (nil for
// none). Only a failure that stops the run is returned.
func (s *readStage) page(ctx context.Context, f *flow, objs []map[string]any, flaws map[int][]jsonvalue.Flaw) ([]source, error) {
	src := s.records(f, objs, flaws)
	if f.dir == instance.Pull {
		if err := s.resolveKeys(ctx, f, src); err != nil {
			return nil, err
		}
	}
	if err := s.relate(ctx, f, src); err != nil {
		return nil, err
	}
	if err := s.loadKnown(ctx, f, src); err != nil {
		return nil, err
	}
	return src, nil
}

// records applies the source's read mapping and finds each record's key
// (and, on pull, the partner's id).
func (s *readStage) records(f *flow, objs []map[string]any, flaws map[int][]jsonvalue.Flaw) []source {
	src := make([]source, len(objs))
	for i, obj := range objs {
		r := &src[i]
		r.obj, r.key = obj, jsonvalue.TextAt(obj, f.src.ent.Key)
		if f.dir == instance.Pull {
			r.srcID = jsonvalue.TextAt(obj, idPath(f.src.ent))
		}
		if len(flaws[i]) > 0 && !s.takeUnclean(f, r, flaws[i]) {
			continue
		}
		rec, err := applyRead(s.job, f.read, f.src.name, obj)
		if err != nil {
			r.fail = mappingReason(err, f.readMask, "read mapping of %s", f.src.name)
			continue
		}
		r.rec = rec
		if f.feeds && r.key != "" {
			s.cache.put(f.model, r.key, rec)
		}
		if r.key == "" && f.dir == instance.Push {
			r.fail = reasonf(CodeMissingKey, "the %s record has no key at %q; check the home spec's key", f.src.name, f.src.ent.Key)
		}
	}
	return src
}

// takeUnclean applies the instance's invalidText option to a record whose
// strings were not clean text: it fails the record (fail, the default) or
// takes it repaired, with a warning naming the fields (replace).
func (s *readStage) takeUnclean(f *flow, r *source, flaws []jsonvalue.Flaw) bool {
	name := cmp.Or(r.key, r.srcID)
	if s.inst.Options.InvalidTextMode() == instance.InvalidTextReplace {
		r.repaired = true
		s.log.Warn("text that is not clean was repaired", "flow", f.label(), "key", name, "fields", connectors.FlawText(flaws))
		return true
	}
	r.fail = reasonf(CodeInvalidText, "the %s record %q: %s; fix the text in the %s system, or set the instance option invalidText to replace to take it repaired",
		f.src.name, name, connectors.FlawText(flaws), f.src.spec.Sync.System)
	return false
}

// idPath is the path of an entity's own id: its id, else its key.
func idPath(e *specs.Entity) string { return orDefault(e.ID, e.Key) }

// applyRead applies a read mapping to an API object of entity. An omitted
// mapping takes the object as it is, without building its variables.
func applyRead(j *job, m mapper, entity string, obj map[string]any) (map[string]any, error) {
	if _, asIs := m.(identity); asIs {
		return obj, nil
	}
	return m.Apply(readVars(entity, obj, j.vars))
}

// resolveKeys finds, on pull, the home key of partner records that carry
// none: from the id map of pulls (records the home created from the
// partner's), then from that of pushes (records pushed to a partner that
// does not keep the home key).
func (s *readStage) resolveKeys(ctx context.Context, f *flow, src []source) error {
	var ids []string
	var owners []*source
	for i := range src {
		if r := &src[i]; r.key == "" && r.srcID != "" {
			ids, owners = append(ids, r.srcID), append(owners, r)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	keys, err := s.state.HomeKeysIn(ctx, f.entity, ids, instance.Pull, instance.Push)
	if err != nil {
		return err
	}
	for i, r := range owners {
		r.key = keys[i]
	}
	return nil
}

// loadKnown loads what the state knows of the page's records (with the
// memos of their last writes) and their create intents, in one round trip.
func (s *readStage) loadKnown(ctx context.Context, f *flow, src []source) error {
	live := liveSources(src)
	if len(live) == 0 {
		return nil
	}
	keys := make([]string, len(live))
	for i, r := range live {
		keys[i] = r.key
	}
	// Only creates leave intents (writePool.markIntent).
	known, err := s.state.LoadWith(ctx, f.dir, f.entity, keys, store.LoadOptions{Echoes: !s.echoless[f], Intents: f.dst.ent.Upsert == nil})
	if err != nil {
		return fmt.Errorf("instance %q: load the state of %s: %w", s.inst.ID, f.label(), err)
	}
	// A create answered but never committed (the run was killed first) is
	// taken as written, with the partner id of its answer.
	if !s.dry {
		if err := s.state.Promote(ctx, f.dir, f.entity, known); err != nil {
			return fmt.Errorf("instance %q: record the confirmed creates of %s: %w", s.inst.ID, f.label(), err)
		}
	}
	for i, r := range live {
		r.known = known[i]
		if r.known.Confirmed {
			r.known.Intent = ""
		}
	}
	return nil
}

// liveSources are the records with a key that read without failing.
func liveSources(src []source) []*source {
	var out []*source
	for i := range src {
		if src[i].fail == nil && src[i].key != "" {
			out = append(out, &src[i])
		}
	}
	return out
}

// homeReader reads one model entity from the home system.
type homeReader struct {
	name string
	read mapper
}

// homeReaders are the home readers of a run's related records, compiled
// on first use. It is safe for concurrent use.
type homeReaders struct {
	mu sync.Mutex
	m  map[string]*homeReader
}

// homeReader returns, compiling it on first use, the reader of a model
// entity's home records.
func (s *readStage) homeReader(model string) (*homeReader, error) {
	s.homes.mu.Lock()
	defer s.homes.mu.Unlock()
	if h, ok := s.homes.m[model]; ok {
		return h, nil
	}
	name, e := homeEntity(s.l.Home, model, model)
	if e == nil || e.Get == nil {
		return nil, fmt.Errorf("the home spec has no entity of model %q with a get operation, so a related %s cannot be read", model, model)
	}
	read, err := flowBuilder{j: s.job}.readMapping(side{spec: s.l.Home, ent: e}, e.Read, s.l.Model.Schema(model))
	if err != nil {
		return nil, fmt.Errorf("home entity %s: %w", name, err)
	}
	h := &homeReader{name: name, read: read}
	s.homes.m[model] = h
	return h, nil
}

// need is one related record a page needs.
type need struct {
	model, key string
}

// slot is one include of one record of a page.
type slot struct {
	rec, inc int
}

// relate fills the related records and their ids of a page's sources. A
// record whose related record cannot be read, or whose mapping needs the
// id of a related record that has none yet, fails alone.
func (s *readStage) relate(ctx context.Context, f *flow, src []source) error {
	if len(f.includes) == 0 {
		return nil
	}
	keys := make([]string, len(src)*len(f.includes)) // by record, then include
	for i := range src {
		if src[i].fail == nil {
			src[i].incKeys = keys[i*len(f.includes) : (i+1)*len(f.includes)]
			s.includeKeys(f, &src[i], src[i].incKeys)
		}
	}
	for j, inc := range f.includes {
		if inc.ids {
			if err := s.includeIDs(ctx, f, j, src, keys); err != nil {
				return err
			}
		}
	}
	return s.fetchMisses(ctx, src, keys, s.misses(f, src, keys))
}

// includeKeys renders the include keys of one record into keys.
func (s *readStage) includeKeys(f *flow, r *source, keys []string) {
	r.inc = make(map[string]map[string]any, len(f.includes))
	vars := recordVars(f.model, r.rec, s.vars)
	for j, inc := range f.includes {
		key, err := inc.key.Render(vars)
		if err != nil {
			r.fail = reasonf(templateCode(err, CodeInclude), "include %s: the key template failed: %v", inc.name, err)
			return
		}
		keys[j] = key
	}
}

// misses lists the related records of a page the cache does not have;
// those it has are handed out.
func (s *readStage) misses(f *flow, src []source, keys []string) map[need][]slot {
	out := map[need][]slot{}
	for i := range src {
		if src[i].fail != nil {
			continue
		}
		for j, inc := range f.includes {
			key := keys[i*len(f.includes)+j]
			if key == "" {
				continue
			}
			if rec, ok := s.cache.get(inc.model, key); ok {
				src[i].inc[inc.name] = rec
				continue
			}
			n := need{inc.model, key}
			out[n] = append(out[n], slot{rec: i, inc: j})
		}
	}
	return out
}

// fetchMisses reads the missing related records from the home system,
// a few at a time, and hands them to the records that need them.
func (s *readStage) fetchMisses(ctx context.Context, src []source, keys []string, misses map[need][]slot) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sem  = make(chan struct{}, s.workers)
		fail error
	)
	for n, waiting := range misses {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			rec, err := s.fetchInclude(ctx, n.model, n.key)
			mu.Lock()
			defer mu.Unlock()
			fail = cmpFirst(fail, s.placeInclude(n, rec, err, src, waiting))
		}()
	}
	wg.Wait()
	return fail
}

// placeInclude gives a fetched record to the records waiting for it, or
// fails them. A failure that stops the run is returned.
func (s *readStage) placeInclude(n need, rec map[string]any, err error, src []source, waiting []slot) error {
	if err != nil && !errors.Is(err, errMissingInclude) {
		if connectors.Classify(err) == connectors.GiveUp {
			return err
		}
		code := CodeInclude
		if failCode(err) == CodeInvalidText {
			code = CodeInvalidText
		}
		for _, w := range waiting {
			src[w.rec].fail = errReason(code, fmt.Errorf("reading the related %s %q: %w", n.model, n.key, err))
		}
		return nil
	}
	if rec != nil {
		for _, w := range waiting {
			src[w.rec].inc[n.model] = rec
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

// fetchInclude reads a related model record from the home system with
// the home entity's get and read mapping.
func (s *readStage) fetchInclude(ctx context.Context, model, key string) (map[string]any, error) {
	h, err := s.homeReader(model)
	if err != nil {
		return nil, err
	}
	obj, err := s.home.Get(ctx, h.name, transforms.Vars{varKey: key, varID: key, varInstance: s.vars})
	if errors.Is(err, connectors.ErrNotFound) {
		return nil, fmt.Errorf("%s %q: %w in the home system", model, key, errMissingInclude)
	}
	if err != nil {
		return nil, err
	}
	rec, err := applyRead(s.job, h.read, h.name, obj)
	if err != nil {
		return nil, fmt.Errorf("%s %q: read mapping: %w", model, key, err)
	}
	s.cache.put(model, key, rec)
	return rec, nil
}

// includeIDs fills ids.<include j> of every record of a page, in one
// round trip.
func (s *readStage) includeIDs(ctx context.Context, f *flow, j int, src []source, keys []string) error {
	inc := f.includes[j]
	var want []string
	var owners []*source
	for i := range src {
		if src[i].fail == nil {
			want, owners = append(want, keys[i*len(f.includes)+j]), append(owners, &src[i])
		}
	}
	ids, err := s.targetIDs(ctx, f, inc.model, want)
	if err != nil {
		return err
	}
	for i, r := range owners {
		if ids[i] == "" {
			r.fail = reasonf(CodeMissingReference, "ids.%s: the related %s %q has no id in the %s system yet (not synchronised, or it failed); the record is retried on the next run", inc.name, inc.model, want[i], f.dst.spec.Sync.System)
			continue
		}
		if r.ids == nil {
			r.ids = map[string]any{}
		}
		r.ids[inc.name] = ids[i]
	}
	return nil
}

// targetIDs returns the destination system's id of related records: on
// push the partner ids of the partner entity of that model, on pull the
// home keys themselves.
func (s *readStage) targetIDs(ctx context.Context, f *flow, model string, keys []string) ([]string, error) {
	out := make([]string, len(keys))
	if f.dir == instance.Pull {
		copy(out, keys)
		return out, nil
	}
	entity := partnerEntityOf(s.flows, model)
	if entity == "" {
		return out, nil
	}
	ids, err := s.state.PartnerIDs(ctx, instance.Push, entity, nonEmpty(keys))
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		if k != "" {
			out[i], ids = ids[0], ids[1:]
			out[i] = orDefault(out[i], s.planned.id(entity, k))
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
func partnerEntityOf(flows []*flow, model string) string {
	for _, f := range flows {
		if f.dir == instance.Push && f.model == model {
			return f.entity
		}
	}
	return ""
}
