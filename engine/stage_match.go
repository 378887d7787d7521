package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/transforms"
)

// maxMatchIndex caps the partner records one match index keeps. An entry
// holds the match key, the partner's id and 8 bytes per written field
// (about 100 bytes and 8 per field with the map's overhead), so the cap
// bounds an index at roughly 150 MB for a five-field entity.
const maxMatchIndex = 1_000_000

// matchStage runs, on a push whose partner entity declares `match`,
// between the read and the map stage: the first time a page holds records
// the state knows no partner id of, it lists the partner's records once
// (every page, never filtered by the cursor) and indexes them by match
// key; each such record whose match key is in the index is then adopted
// instead of created (decideStage). Without `match` it does nothing. It
// is used by the flow's driver only, one page at a time, and is not safe
// for concurrent use.
type matchStage struct {
	*job
	indexes map[*flow]*matchIndex
}

// newMatchStage builds the match stage of a run.
func newMatchStage(j *job) *matchStage {
	return &matchStage{job: j, indexes: map[*flow]*matchIndex{}}
}

// matchIndex is a flow's partner records by match key: only their ids
// and the fingerprints of their written fields, never the records.
type matchIndex struct {
	key, home *transforms.Template // nil: the defaults
	shape     map[string]any       // the write mapping, onto which records are projected
	fields    []string             // its top-level fields, sorted
	byKey     map[string]*matchEntry
	fail      *failure // why the index could not be built
}

// matchEntry is what the index keeps of the partner record(s) with one
// match key.
type matchEntry struct {
	id     string
	prints []uint64 // by matchIndex.fields; zero for a field the record lacks
	others []string // the ids of further records with the same key
}

// usesMatch reports whether a flow's run finds its records with the
// match step: a push whose partner entity declares one, unless the run
// names its records (a webhook's) and the entity has a lookup, which
// finds a few records for less than listing them all.
func usesMatch(f *flow, opts RunOptions) bool {
	e := f.dst.ent
	return f.dir == instance.Push && e.Match != nil && (len(opts.Keys) == 0 || e.Lookup == nil)
}

// adoption is the partner record the match step found for a home record.
type adoption struct {
	id     string
	fields []string
	prints []uint64
}

// differs lists the fields of a payload the partner record does not hold
// as they are: all of them when the payload is not at hand.
func (a *adoption) differs(payload map[string]any) []string {
	if payload == nil {
		return []string{"*"}
	}
	var out []string
	for _, name := range fieldNames(payload) {
		i, ok := slices.BinarySearch(a.fields, name)
		if !ok || a.prints[i] != valuePrint(payload[name]) {
			out = append(out, name)
		}
	}
	return out
}

// page finds the partner records of a page's records that have no
// partner id yet. Only a failure that stops the run is returned.
func (s *matchStage) page(ctx context.Context, f *flow, src []source) error {
	if !f.matches {
		return nil
	}
	var want []*source
	for i := range src {
		if r := &src[i]; r.fail == nil && r.key != "" && r.known.PartnerID == "" {
			want = append(want, r)
		}
	}
	if len(want) == 0 {
		return nil
	}
	ix, err := s.index(ctx, f)
	if err != nil {
		return err
	}
	for _, r := range want {
		s.place(f, ix, r)
	}
	return nil
}

// index returns the flow's index, listing the partner the first time.
func (s *matchStage) index(ctx context.Context, f *flow) (*matchIndex, error) {
	if ix, ok := s.indexes[f]; ok {
		return ix, nil
	}
	ix, err := s.build(ctx, f)
	if err != nil {
		return nil, err
	}
	s.indexes[f] = ix
	return ix, nil
}

// build lists the partner's records and indexes them. A listing that
// fails leaves an index that fails the records it is asked about; only
// a failure that stops the run is returned.
func (s *matchStage) build(ctx context.Context, f *flow) (*matchIndex, error) {
	ix := &matchIndex{shape: f.dst.ent.Write, fields: fieldNames(f.dst.ent.Write), byKey: map[string]*matchEntry{}}
	if err := s.compile(f, ix); err != nil {
		ix.fail = errReason(CodeMatch, err)
		return ix, nil
	}
	for page, err := range f.dst.client.List(ctx, f.dst.name, f.list) {
		if err != nil {
			if connectors.Classify(err) == connectors.GiveUp || ctx.Err() != nil {
				return nil, fmt.Errorf("%s: match: %w", f.label(), err)
			}
			ix.fail = errReason(CodeMatch, fmt.Errorf("listing the partner's %s records to match them failed: %w", f.entity, err))
			return ix, nil
		}
		if err := s.add(f, ix, page.Records); err != nil {
			ix.fail = errReason(CodeMatch, err)
			return ix, nil
		}
	}
	s.log.Info("match: partner records indexed", "flow", f.label(), "keys", len(ix.byKey))
	return ix, nil
}

// compile compiles the match step's templates.
func (s *matchStage) compile(f *flow, ix *matchIndex) error {
	m := f.dst.ent.Match
	env := f.dst.templates(s.cfg.Templates)
	var err error
	if m.Key != "" {
		if ix.key, err = env.Compile(m.Key); err != nil {
			return fmt.Errorf("match.key: %w", err)
		}
	}
	if m.Home != "" {
		if ix.home, err = env.Compile(m.Home); err != nil {
			return fmt.Errorf("match.home: %w", err)
		}
	}
	return nil
}

// add indexes a page of partner records; records whose key renders
// empty are left out.
func (s *matchStage) add(f *flow, ix *matchIndex, objs []map[string]any) error {
	for _, obj := range objs {
		key, err := s.partnerKey(f, ix, obj)
		if err != nil {
			return err
		}
		if key == "" {
			continue
		}
		id := jsonvalue.TextAt(obj, idPath(f.dst.ent))
		if e, dup := ix.byKey[key]; dup {
			e.others = append(e.others, id)
			continue
		}
		if len(ix.byKey) >= maxMatchIndex {
			return fmt.Errorf("the partner holds more than %d %s records, more than one match index keeps; adopt them in parts (a list filter) or remove the match step", maxMatchIndex, f.entity)
		}
		ix.byKey[key] = &matchEntry{id: id, prints: printsOf(obj, ix.shape, ix.fields)}
	}
	return nil
}

// partnerKey renders the match key of a partner record.
func (s *matchStage) partnerKey(f *flow, ix *matchIndex, obj map[string]any) (string, error) {
	if ix.key == nil {
		return jsonvalue.TextAt(obj, f.dst.ent.Key), nil
	}
	key, err := ix.key.Render(readVars(f.dst.name, obj, s.vars))
	if err != nil {
		return "", fmt.Errorf("match.key of the partner record %q: %w", jsonvalue.TextAt(obj, idPath(f.dst.ent)), err)
	}
	return key, nil
}

// place gives a record its partner record, or the failure that keeps it
// from being created.
func (s *matchStage) place(f *flow, ix *matchIndex, r *source) {
	if ix.fail != nil {
		r.fail = ix.fail
		return
	}
	key := r.key
	if ix.home != nil {
		var err error
		if key, err = ix.home.Render(recordVars(f.model, r.rec, s.vars)); err != nil {
			r.fail = mappingReason(err, f.readMask, "match.home of %s", f.src.name)
			return
		}
	}
	e := ix.byKey[key]
	switch {
	case key == "" || e == nil:
	case len(e.others) > 0:
		r.fail = reasonf(CodeAmbiguousMatch, "%d partner records (ids %s) have this record's match key; none is adopted and the record is not created", 1+len(e.others), idList(e))
	default:
		r.adopt = &adoption{id: e.id, fields: ix.fields, prints: e.prints}
	}
}

// idList names the ids of an ambiguous entry, the first few.
func idList(e *matchEntry) string {
	ids := append([]string{e.id}, e.others...)
	if len(ids) > 3 {
		ids = append(ids[:3], "...")
	}
	return fmt.Sprintf("%q", ids)
}
