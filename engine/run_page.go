package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

// Notes on skipped records.
const (
	noteUnchanged = "unchanged"
	noteEcho      = "echo"
	noteFiltered  = "filtered"
	noteRepeated  = "repeated" // listed again on the next page
)

// processPage prepares a page of source records and hands the writes to
// the pipeline (or, for a plan, records what would happen).
func (r *run) processPage(ctx context.Context, f *flow, rd *reading, p *pipeline, objs []map[string]any) error {
	items, err := r.load(ctx, f, objs)
	if err != nil {
		return err
	}
	return r.queuePage(f, rd, p, items)
}

// queuePage decides what to do with a loaded page's records and hands
// the writes to the pipeline (or, for a plan, records what would happen).
func (r *run) queuePage(f *flow, rd *reading, p *pipeline, items []*item) error {
	r.settle(f, items)
	rd.markSeen(items)
	r.sum.read(f, len(items))
	if r.dry {
		r.planPage(f, items)
		return nil
	}
	return p.submit(items)
}

// load reads a page of records, finds their keys and related records and
// loads what the state knows of them.
func (r *run) load(ctx context.Context, f *flow, objs []map[string]any) ([]*item, error) {
	items := r.readRecords(f, objs)
	if f.dir == instance.Pull {
		if err := r.resolveKeys(ctx, f, items); err != nil {
			return nil, err
		}
	}
	if err := r.resolve(ctx, f, items); err != nil {
		return nil, err
	}
	if err := r.loadKnown(ctx, f, items); err != nil {
		return nil, err
	}
	return items, nil
}

// settle maps the loaded records and decides what to do with each.
func (r *run) settle(f *flow, items []*item) {
	r.recall(f, items)
	r.mapPayloads(f, items)
	r.decide(f, items)
}

// readRecords applies the source's read mapping and finds each record's
// key (and, on pull, the partner's id).
func (r *run) readRecords(f *flow, objs []map[string]any) []*item {
	items := make([]*item, len(objs))
	for i, obj := range objs {
		it := &item{obj: obj, key: textAt(obj, f.src.ent.Key)}
		items[i] = it
		if f.dir == instance.Pull {
			it.srcID = textAt(obj, idPath(f.src.ent))
		}
		rec, err := r.applyRead(f.read, f.src.name, obj)
		if err != nil {
			it.failMapping(err, f.readMask, "read mapping of %s", f.src.name)
			continue
		}
		it.rec = rec
		if f.feeds && it.key != "" {
			r.cache.put(f.model, it.key, rec)
		}
		if it.key == "" && f.dir == instance.Push {
			it.failf(CodeMissingKey, "the %s record has no key at %q; check the home spec's key", f.src.name, f.src.ent.Key)
		}
	}
	return items
}

// idPath is the path of an entity's own id: its id, else its key.
func idPath(e *specs.Entity) string { return orDefault(e.ID, e.Key) }

// resolveKeys finds, on pull, the home key of partner records that carry
// none: from the id map of pulls (records the home created from the
// partner's), then from that of pushes (records pushed to a partner that
// does not keep the home key).
func (r *run) resolveKeys(ctx context.Context, f *flow, items []*item) error {
	var ids []string
	var owners []*item
	for _, it := range items {
		if it.key == "" && it.srcID != "" {
			ids, owners = append(ids, it.srcID), append(owners, it)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	keys, err := r.state.HomeKeysIn(ctx, f.entity, ids, instance.Pull, instance.Push)
	if err != nil {
		return err
	}
	for i, it := range owners {
		it.key = keys[i]
	}
	return nil
}

// mapPayloads applies `when` and the write mapping, checks the payload
// against the target schema and hashes it.
func (r *run) mapPayloads(f *flow, items []*item) {
	for _, it := range items {
		if it.step == stepPending && !it.recalled {
			r.mapPayload(f, it)
		}
	}
}

// mapPayload maps one record.
func (r *run) mapPayload(f *flow, it *item) {
	vars := r.itemVars(f, it)
	if f.when != nil {
		s, err := f.when.Render(vars)
		if err != nil {
			it.failErr(CodeMapping, fmt.Errorf("when: %w", err))
			return
		}
		if !truthy(s) {
			it.skip(noteFiltered)
			return
		}
	}
	payload, err := f.write.Apply(vars)
	if err != nil {
		it.failMapping(err, f.mask, "write mapping of %s", f.dst.name)
		return
	}
	it.payload = payload
	it.hash, it.prints = hashPayload(payload)
}

// truthy reports whether a rendered `when` lets a record through.
func truthy(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && s != "0" && !strings.EqualFold(s, "false")
}

// textAt returns the scalar at a dotted path of obj as text; "" when
// there is none.
func textAt(obj map[string]any, path string) string {
	return jsonvalue.TextAt(obj, path)
}

// recall finds the records whose write inputs (the record, its related
// records and their ids, and the flow's mappings) are those of the last
// write, which the state still holds: their payload is the same, and
// they are not mapped again.
func (r *run) recall(f *flow, items []*item) {
	for _, it := range items {
		if it.step != stepPending {
			continue
		}
		it.input = inputHash(f, it)
		if input, payload := memoHashes(it.known.Memo); input == it.input && payload == it.known.Hash && it.known.Hash != "" {
			it.hash, it.recalled = it.known.Hash, true
		}
	}
}

// inputHash hashes everything a record's payload is made of.
func inputHash(f *flow, it *item) string {
	h := newValueHash()
	defer h.done()
	h.str('r', f.recipe)
	h.sum64(inputSum(it.obj))
	for _, inc := range f.includes {
		h.str('i', inc.name)
		h.sum64(inputSum(it.inc[inc.name]))
		h.sum64(inputSum(it.ids[inc.name]))
	}
	return h.sum()
}
