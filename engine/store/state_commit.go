package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/specsync/specsync/engine/instance"
)

// Batch is what one page of a run confirmed: records written to the target
// and records deleted from it, all of one direction and entity.
type Batch struct {
	Direction instance.Direction
	Entity    string
	Written   []Written
	Deleted   []Deleted
	// Renewed are records the target already holds as last written, whose
	// memo changes: their hash, time, memo and the partner id the state
	// knows (Known.PartnerID) are stored again; the partner ids' home keys
	// and the echoes stay as they are.
	Renewed []Written
	// Depends are the included records the payloads of written or renewed
	// records were built from: each replaces the dependency index's entry
	// of its key. Deleted records leave the index too. Nil leaves the
	// index alone.
	Depends []Depends
}

// Written is one record the target confirmed.
type Written struct {
	// Key is the home key. Required.
	Key string
	// PartnerID is the partner's id of the record. Empty means the partner
	// uses the home key as its id.
	PartnerID string
	// Hash is the hash of the payload written.
	Hash string
	// Echo is the hash of the values the opposite direction would read
	// back for this record if nobody changed it. Empty records no echo.
	Echo string
	// At is when the target confirmed the write. Zero means now.
	At time.Time
	// Memo is what the writer keeps of the payload besides its hash,
	// stored with it and given back as Known.Memo; the state does not read
	// it. Empty keeps none.
	Memo string
}

// Deleted is one record the target confirmed deleted.
type Deleted struct {
	// Key is the home key. Required.
	Key string
	// PartnerID is the partner's id. Empty means the state looks it up
	// (one more round trip for the batch).
	PartnerID string
}

// Commit records a batch in one transaction: ids both ways, payload hashes
// with their time and echo hashes of written records, and their entries
// in the dependency index; every trace of deleted ones. It is one round
// trip, one more when deleted records lack their partner ids and one more
// when it touches the dependency index (whose entries it reads first; an
// instance has one run at a time).
func (s *State) Commit(ctx context.Context, b Batch) error {
	if err := b.check(); err != nil {
		return s.errorf(err, "commit", b.Direction, b.Entity)
	}
	deleted, err := s.withPartnerIDs(ctx, b)
	if err != nil {
		return s.errorf(err, "commit", b.Direction, b.Entity)
	}
	old, err := s.oldIncludes(ctx, b)
	if err != nil {
		return s.errorf(err, "commit", b.Direction, b.Entity)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		s.queueWritten(ctx, p, b)
		s.queueDeleted(ctx, p, b, deleted)
		return s.queueIncludes(ctx, p, b, old)
	})
	var fe *FormatError
	if errors.As(err, &fe) || errors.Is(err, ErrStateFormat) {
		return err
	}
	if err != nil {
		return s.errorf(err, "commit", b.Direction, b.Entity)
	}
	return nil
}

// check refuses a batch that cannot be stored.
func (b Batch) check() error {
	if !b.Direction.Valid() {
		return fmt.Errorf("direction %q is neither push nor pull", b.Direction)
	}
	for _, ws := range [][]Written{b.Written, b.Renewed} {
		for _, w := range ws {
			if w.Key == "" {
				return errEmptyKey
			}
		}
	}
	for _, d := range b.Deleted {
		if d.Key == "" {
			return errEmptyKey
		}
	}
	for _, d := range b.Depends {
		if d.Key == "" {
			return errEmptyKey
		}
	}
	return nil
}

// queueWritten queues the writes of the written and renewed records: one
// HSET per hash.
func (s *State) queueWritten(ctx context.Context, p redis.Pipeliner, b Batch) {
	dir, now := string(b.Direction), s.clock.Now()
	written := make([]any, 0, 2*(len(b.Written)+len(b.Renewed)))
	for _, w := range b.Renewed {
		written = append(written, w.Key, formatWritten(w.Hash, cmp.Or(w.At, now), w.PartnerID, w.Memo))
	}
	if len(b.Written) == 0 {
		if len(written) > 0 {
			p.HSet(ctx, s.keys.Written(s.instance, dir, b.Entity), written...)
		}
		return
	}
	rev := make([]any, 0, 2*len(b.Written))
	var echoes []any
	for _, w := range b.Written {
		id := cmp.Or(w.PartnerID, w.Key)
		var key, boxedID any = w.Key, id // boxed once for every hash
		rev = append(rev, boxedID, key)
		written = append(written, key, formatWritten(w.Hash, cmp.Or(w.At, now), id, w.Memo))
		if w.Echo != "" {
			echoes = append(echoes, key, w.Echo)
		}
	}
	p.HSet(ctx, s.keys.IDReverse(s.instance, dir, b.Entity), rev...)
	p.HSet(ctx, s.keys.Written(s.instance, dir, b.Entity), written...)
	if len(echoes) > 0 {
		p.HSet(ctx, s.keys.Echo(s.instance, dir, b.Entity), echoes...)
	}
}

// queueDeleted queues the removal of deleted records; partnerIDs are
// their ids, in order.
func (s *State) queueDeleted(ctx context.Context, p redis.Pipeliner, b Batch, partnerIDs []string) {
	if len(b.Deleted) == 0 {
		return
	}
	dir := string(b.Direction)
	homeKeys := make([]string, len(b.Deleted))
	for i, d := range b.Deleted {
		homeKeys[i] = d.Key
	}
	p.HDel(ctx, s.keys.Written(s.instance, dir, b.Entity), homeKeys...)
	p.HDel(ctx, s.keys.Echo(s.instance, dir, b.Entity), homeKeys...)
	var ids []string
	for _, id := range partnerIDs {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		p.HDel(ctx, s.keys.IDReverse(s.instance, dir, b.Entity), ids...)
	}
}

// withPartnerIDs returns the partner ids of the deleted records, looking
// up those the batch lacks in one round trip.
func (s *State) withPartnerIDs(ctx context.Context, b Batch) ([]string, error) {
	ids := make([]string, len(b.Deleted))
	var missing []string
	for i, d := range b.Deleted {
		if ids[i] = d.PartnerID; ids[i] == "" {
			missing = append(missing, d.Key)
		}
	}
	if len(missing) == 0 {
		return ids, nil
	}
	found, err := s.PartnerIDs(ctx, b.Direction, b.Entity, missing)
	if err != nil {
		return nil, err
	}
	for i := range ids {
		if ids[i] == "" {
			ids[i], found = found[0], found[1:]
		}
	}
	return ids, nil
}
