package engine

import (
	"context"

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

// of returns the echo hash of every written outcome, by index; nil when
// the entity has no opposite flow.
func (e echoer) of(ctx context.Context, f *flow, outs []*outcome) ([]string, error) {
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
		if s, ok := e.readBack(opp, o); ok {
			at, src = append(at, i), append(src, s)
		}
	}
	if len(src) == 0 {
		return nil, nil
	}
	if err := e.read.relate(ctx, opp, src); err != nil {
		return nil, err
	}
	echoes := make([]string, len(outs))
	for j := range src {
		if src[j].fail != nil {
			continue
		}
		mp := mapped{src: &src[j]}
		if e.mapper.apply(opp, &mp); mp.fail == nil && mp.note == "" {
			echoes[at[j]] = mp.hash
		}
	}
	return echoes, nil
}

// readBack reads a written record back as the opposite flow would; false
// when its read mapping fails.
func (e echoer) readBack(opp *flow, o *outcome) (source, bool) {
	obj := o.d.m.body()
	if o.res != nil && o.res.Object != nil {
		obj = o.res.Object
	}
	rec, err := applyRead(e.read.job, opp.read, opp.src.name, obj)
	if err != nil {
		return source{}, false
	}
	return source{obj: obj, key: o.key, srcID: o.d.m.src.srcID, rec: rec}, true
}
