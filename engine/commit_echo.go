package engine

import (
	"context"
	"maps"

	"github.com/specsync/specsync/engine/instance"
)

// Echo hashes. After a write, the commit stage computes what the opposite
// direction will compute for the record on its next read if nobody
// changes it: the opposite flow's read mapping applied to the written
// object (the destination's answer, else the body sent), then its write
// mapping with its includes. The hash of that payload is stored as the
// write's echo; the opposite direction skips a record whose payload hash
// equals it instead of writing our own change back.

// echoer computes echo hashes with the read and map stages of the
// opposite flow.
type echoer struct {
	read   *readStage
	mapper *mapStage
	flows  []*flow
}

// flowOf returns the flow of a direction and entity, or nil.
func flowOf(flows []*flow, dir instance.Direction, entity string) *flow {
	for _, f := range flows {
		if f.dir == dir && f.entity == entity {
			return f
		}
	}
	return nil
}

// echo is what the opposite direction will compute for a written record
// if nobody changes it: its payload's hash, and its memo.
type echo struct {
	hash string
	memo string
}

// of returns the echo of every written outcome, by index; nil when the
// entity has no opposite flow.
func (e echoer) of(ctx context.Context, f *flow, outs []*outcome) ([]echo, error) {
	opp := flowOf(e.flows, f.dir.Opposite(), f.entity)
	if opp == nil {
		return nil, nil
	}
	var at []int
	var src []source
	for i, o := range outs {
		if o.step != stepWritten || o.d.action == instance.Delete {
			continue
		}
		if s, ok := e.readBack(f, opp, o); ok {
			at, src = append(at, i), append(src, s)
		}
	}
	if len(src) == 0 {
		return nil, nil
	}
	if err := e.read.relate(ctx, opp, src); err != nil {
		return nil, err
	}
	echoes := make([]echo, len(outs))
	for j := range src {
		if src[j].fail != nil {
			continue
		}
		mp := mapped{src: &src[j], input: inputHash(opp, &src[j])}
		if e.mapper.apply(opp, &mp); mp.fail == nil && mp.note == "" {
			echoes[at[j]] = echo{hash: mp.hash, memo: memoOf(&mp)}
		}
	}
	return echoes, nil
}

// readBack reads a written record back as the opposite flow would; false
// when its read mapping fails. The answer to an update that left out
// fields the destination owns holds the destination's values of them,
// which the opposite direction may not have seen yet: the record is read
// back with the values of the payload in their place, as if they had
// been written too (partialEcho).
func (e echoer) readBack(f *flow, opp *flow, o *outcome) (source, bool) {
	obj := o.d.m.body()
	if o.res != nil && o.res.Object != nil {
		obj = o.res.Object
	}
	if partialUpdate(f, o) {
		obj = partialEcho(f, obj, o.d.m.payload)
	}
	rec, err := applyRead(e.read.job, opp.read, opp.src.name, obj)
	if err != nil {
		return source{}, false
	}
	return source{obj: obj, key: o.key, srcID: o.d.m.src.srcID, rec: rec}, true
}

// partialUpdate reports whether o is an update whose body left out
// fields the destination owns.
func partialUpdate(f *flow, o *outcome) bool {
	return f.fieldOwned() && o.d.action == instance.Update
}

// partialEcho returns a copy of the answer obj to a partial update whose
// fields the destination owns hold the payload's values instead.
func partialEcho(f *flow, obj, payload map[string]any) map[string]any {
	out := maps.Clone(obj)
	for field := range f.dst.ent.Write {
		if _, sent := payload[field]; !sent && !f.ownsField(field) {
			delete(out, field) // mapped empty: as if it were not there
		}
	}
	for field, v := range payload {
		if !f.ownsField(field) {
			out[field] = v
		}
	}
	return out
}
