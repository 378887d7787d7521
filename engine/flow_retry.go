package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/transforms"
)

// ledgerChunk is how many ledger entries are fetched and processed as one
// page.
const ledgerChunk = 100

// retryLedger retries the flow's ledger entries that the listing did not
// return (an incremental read returns only changed records): each is read
// again with the source's get and processed like a listed record. An
// entry whose record is gone from the source leaves the ledger.
func (r *run) retryLedger(ctx context.Context, f *flow, rd *reading, p *pass) {
	keys := rd.unseenFailures()
	if len(keys) == 0 || f.src.ent.Get == nil {
		return
	}
	for start := 0; start < len(keys); start += ledgerChunk {
		chunk := keys[start:min(start+ledgerChunk, len(keys))]
		objs, gone, _, err := r.fetchKeys(ctx, f, chunk)
		if err != nil {
			r.tally.sum.warn(f, "retrying failed records: %v", err)
			return
		}
		r.clearGone(ctx, f, gone)
		if len(objs) > 0 {
			if err := r.processPage(ctx, f, rd, p, objs); err != nil {
				p.abort(err)
				return
			}
		}
	}
}

// fetchKeys reads the source records of keys with the source's get, a
// few at a time (the instance's workers), and returns them in the order
// of keys; gone are the keys of records the source no longer has, missed
// counts the reads that failed and may succeed later. Only an error that
// stops the run is returned.
func (r *run) fetchKeys(ctx context.Context, f *flow, keys []string) (objs []map[string]any, gone []string, missed int, err error) {
	ids, err := r.sourceIDs(ctx, f, keys)
	if err != nil {
		return nil, nil, 0, err
	}
	type result struct {
		obj map[string]any
		err error
	}
	results := make([]result, len(keys))
	var wg sync.WaitGroup
	sem := make(chan struct{}, r.inst.Options.Workers())
	for i, key := range keys {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			obj, err := f.src.client.Get(ctx, f.src.name, transforms.Vars{varKey: key, varID: ids[i], varInstance: f.list.Vars[varInstance]})
			results[i] = result{obj, err}
		}()
	}
	wg.Wait()
	for i, res := range results {
		switch {
		case res.err == nil:
			objs = append(objs, res.obj)
		case errors.Is(res.err, connectors.ErrNotFound):
			gone = append(gone, keys[i])
		case connectors.Classify(res.err) == connectors.GiveUp:
			err = cmpFirst(err, res.err)
		default:
			missed++
		}
	}
	if err != nil {
		return nil, nil, 0, err
	}
	return objs, gone, missed, nil
}

// sourceIDs are the source system's ids of ledger keys: the home key on
// push; on pull the partner id, from the id maps or the key itself.
func (r *run) sourceIDs(ctx context.Context, f *flow, keys []string) ([]string, error) {
	if f.dir == instance.Push {
		return keys, nil
	}
	out := make([]string, len(keys))
	var known []string
	for i, k := range keys {
		if id, ok := strings.CutPrefix(k, "@"); ok {
			out[i] = id
		} else {
			known = append(known, k)
		}
	}
	ids, err := r.partnerIDsOf(ctx, f.entity, known)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		if out[i] == "" {
			out[i], ids = orDefault(ids[0], k), ids[1:]
		}
	}
	return out, nil
}

// partnerIDsOf returns the partner ids of home keys from the pull id map,
// else the push id map.
func (r *run) partnerIDsOf(ctx context.Context, entity string, keys []string) ([]string, error) {
	ids, err := r.state.PartnerIDs(ctx, instance.Pull, entity, keys)
	if err != nil {
		return nil, err
	}
	push, err := r.state.PartnerIDs(ctx, instance.Push, entity, keys)
	if err != nil {
		return nil, err
	}
	for i := range ids {
		ids[i] = orDefault(ids[i], push[i])
	}
	return ids, nil
}

// clearGone drops ledger entries of records the source no longer has; a
// full read deletes them from the destination.
func (r *run) clearGone(ctx context.Context, f *flow, keys []string) {
	if len(keys) == 0 || r.dry {
		return
	}
	if err := r.ledger.Clear(ctx, f.dir, f.entity, keys...); err != nil {
		r.log.Warn("could not clear ledger entries of records gone from the source", "flow", f.label(), "error", err)
	}
}

// syncKeys syncs only the records named by RunOptions.Keys: each is read
// with the source's get, as the ledger retry reads failed records, and
// processed like a listed page. A record the source no longer has leaves
// the ledger; deleting it at the destination waits for a full read or a
// delete event (syncDeletedKeys).
func (r *run) syncKeys(ctx context.Context, f *flow) error {
	if f.src.ent.Get == nil {
		return fmt.Errorf("%s: the source spec's entity %q has no get operation to read single records with", f.label(), f.src.name)
	}
	rd := &reading{started: r.cfg.Clock.Now()}
	p := r.newPass(ctx, f, rd)
	objs, gone, _, err := r.fetchKeys(ctx, f, r.opts.Keys)
	if err != nil {
		p.abort(err)
	} else {
		r.clearGone(ctx, f, gone)
		if len(objs) > 0 {
			if err := r.processPage(ctx, f, rd, p, objs); err != nil {
				p.abort(err)
			}
		}
	}
	return p.finish()
}
