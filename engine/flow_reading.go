package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/specsync/specsync/connectors"
)

// reading is what the driver knows about a flow's listing while it runs:
// full or incremental, how far it got, the ledger keys it returned and,
// on a full read, every key it saw. It is safe for concurrent use where
// its methods say so.
type reading struct {
	full     bool
	since    time.Time
	started  time.Time
	complete bool
	cursor   time.Time
	failed   map[string]bool // ledger keys; true once seen
	mu       sync.Mutex      // guards failed and seen
	seen     []uint64        // key hashes seen on a full read, listed on an incremental one
}

// newReading decides between a full and an incremental read and loads
// the flow's ledger keys.
func (r *run) newReading(ctx context.Context, f *flow) (*reading, error) {
	rd := &reading{full: true, started: r.cfg.Clock.Now()}
	if !r.opts.Full && f.src.ent.Incremental != nil {
		due, err := r.state.FullReadDue(ctx, f.dir, f.entity, r.inst.Options.FullReadInterval())
		if err != nil {
			return nil, err
		}
		if !due {
			if rd.since, err = r.cursorTime(ctx, f); err != nil {
				return nil, err
			}
			rd.full = rd.since.IsZero()
		}
	}
	keys, err := r.ledger.Keys(ctx, f.dir, f.entity)
	if err != nil {
		return nil, err
	}
	rd.failed = make(map[string]bool, len(keys))
	for _, k := range keys {
		rd.failed[k] = false
	}
	return rd, nil
}

// cursorTime reads the stored cursor of a flow.
func (r *run) cursorTime(ctx context.Context, f *flow) (time.Time, error) {
	c, err := r.state.Cursor(ctx, f.dir, f.entity)
	if err != nil || c == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, c)
	if err != nil {
		r.log.Warn("stored cursor is not a time; reading everything", "flow", f.label(), "cursor", c)
		return time.Time{}, nil
	}
	return t, nil
}

// listFailed records a failed listing; it stops the run only when no
// request to the system can succeed.
func (r *run) listFailed(f *flow, err error) error {
	if connectors.Classify(err) == connectors.GiveUp {
		return fmt.Errorf("%s: listing: %w", f.label(), err)
	}
	r.tally.sum.warn(f, "the listing failed, so this run neither deletes nor moves the cursor of %s: %v", f.entity, err)
	r.tally.sum.entity(f).Incomplete = true
	return nil
}

// finishRead stores the cursor and the time of a complete read and, after
// a complete full read, collects the flow's delete candidates.
func (r *run) finishRead(ctx context.Context, f *flow, rd *reading) error {
	if !rd.complete || r.dry {
		if rd.complete && rd.full {
			return r.findDeletes(ctx, f, rd)
		}
		return nil
	}
	if rd.cursor.IsZero() && !rd.full {
		// Nothing changed since the cursor: it stays where it was, so that
		// the next run reads incrementally again.
		rd.cursor = rd.since
	}
	cursor := ""
	if !rd.cursor.IsZero() {
		cursor = rd.cursor.UTC().Format(time.RFC3339Nano)
	}
	if err := r.state.SetCursor(ctx, f.dir, f.entity, cursor); err != nil {
		return err
	}
	if !rd.full {
		return nil
	}
	if err := r.state.SetFullRead(ctx, f.dir, f.entity, rd.started); err != nil {
		return err
	}
	return r.findDeletes(ctx, f, rd)
}

// markSeen notes the keys of a decided page: for delete detection on a
// full read, and to know which ledger entries the listing returned. Safe
// for concurrent use.
func (rd *reading) markSeen(decs []decision) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	for i := range decs {
		key := decs[i].m.src.key
		if key == "" {
			continue
		}
		if _, ok := rd.failed[key]; ok {
			rd.failed[key] = true
		}
		// A full read notes what it saw for delete detection; an
		// incremental one what it listed, which syncDependents need not
		// read again.
		if !rd.full || decs[i].note != noteFiltered {
			rd.seen = append(rd.seen, keyHash(key))
		}
	}
}

// seenKey notes a key that a write gave a record during the run. Safe for
// concurrent use.
func (rd *reading) seenKey(key string) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.full {
		rd.seen = append(rd.seen, keyHash(key))
	}
}

// inLedger reports whether key had a ledger entry when the flow began.
// Safe for concurrent use.
func (rd *reading) inLedger(key string) bool {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	_, ok := rd.failed[key]
	return ok
}

// unseenFailures lists the ledger keys the listing did not return.
func (rd *reading) unseenFailures() []string {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	var out []string
	for k, seen := range rd.failed {
		if !seen {
			out = append(out, k)
		}
	}
	return out
}

// listed returns the sorted hashes of the keys an incremental read
// listed so far. Safe for concurrent use.
func (rd *reading) listed() []uint64 {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	out := slices.Clone(rd.seen)
	slices.Sort(out)
	return out
}

// sortSeen prepares the seen hashes for lookups.
func (rd *reading) sortSeen() { slices.Sort(rd.seen) }

// wasSeen reports whether a key was read.
func (rd *reading) wasSeen(key string) bool {
	_, ok := slices.BinarySearch(rd.seen, keyHash(key))
	return ok
}
