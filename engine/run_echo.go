package engine

import (
	"context"

	"github.com/specsync/specsync/engine/instance"
)

// Echo hashes. After a write, the run computes what the opposite
// direction will compute for the record on its next read if nobody
// changes it: the opposite flow's read mapping applied to the written
// object (the destination's answer, else the body sent), then its write
// mapping with its includes. The hash of that payload is stored as the
// write's echo; the opposite direction skips a record whose payload hash
// equals it instead of writing our own change back.

// flowOf returns the flow of a direction and entity, or nil.
func (r *run) flowOf(dir instance.Direction, entity string) *flow {
	for _, f := range r.flows {
		if f.dir == dir && f.entity == entity {
			return f
		}
	}
	return nil
}

// computeEchoes sets the echo hash of every written item.
func (r *run) computeEchoes(ctx context.Context, f *flow, items []*item) error {
	opp := r.flowOf(f.dir.Opposite(), f.entity)
	if opp == nil {
		return nil
	}
	var written, echoes []*item
	for _, it := range items {
		if it.step != stepWritten || it.action == instance.Delete {
			continue
		}
		if e := r.echoItem(opp, it); e != nil {
			written, echoes = append(written, it), append(echoes, e)
		}
	}
	if len(echoes) == 0 {
		return nil
	}
	if err := r.resolve(ctx, opp, echoes); err != nil {
		return err
	}
	r.mapPayloads(opp, echoes)
	for i, e := range echoes {
		if e.step == stepPending {
			written[i].echo = e.hash
		}
	}
	return nil
}

// echoItem reads a written record back as the opposite flow would; nil
// when its read mapping fails.
func (r *run) echoItem(opp *flow, it *item) *item {
	obj := it.payload
	if it.res != nil && it.res.Object != nil {
		obj = it.res.Object
	}
	rec, err := r.applyRead(opp.read, opp.src.name, obj)
	if err != nil {
		return nil
	}
	return &item{obj: obj, key: it.key, srcID: it.srcID, rec: rec}
}
