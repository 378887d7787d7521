package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/specsync/specsync/engine/instance"
)

// cursorField names the field of a direction and entity in the cursor and
// full-read hashes.
func cursorField(dir instance.Direction, entity string) string { return string(dir) + ":" + entity }

// Cursor returns the incremental cursor of dir and entity: the value the
// next incremental read filters on (a modification time, as the spec's
// incremental format writes it). Empty means none: read everything.
func (s *State) Cursor(ctx context.Context, dir instance.Direction, entity string) (string, error) {
	v, err := s.rdb.HGet(ctx, s.keys.Cursors(s.instance), cursorField(dir, entity)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", s.errorf(err, "read cursor", dir, entity)
	}
	return v, nil
}

// SetCursor stores the cursor of dir and entity; a run sets it only after
// every record up to it is committed or in the failure ledger. An empty
// cursor removes it, so the next read is complete.
func (s *State) SetCursor(ctx context.Context, dir instance.Direction, entity, cursor string) error {
	var err error
	if cursor == "" {
		err = s.rdb.HDel(ctx, s.keys.Cursors(s.instance), cursorField(dir, entity)).Err()
	} else {
		err = s.rdb.HSet(ctx, s.keys.Cursors(s.instance), cursorField(dir, entity), cursor).Err()
	}
	if err != nil {
		return s.errorf(err, "store cursor", dir, entity)
	}
	return nil
}

// LastFullRead returns when dir and entity were last read completely, in
// UTC; zero when never.
func (s *State) LastFullRead(ctx context.Context, dir instance.Direction, entity string) (time.Time, error) {
	v, err := s.rdb.HGet(ctx, s.keys.FullReads(s.instance), cursorField(dir, entity)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, s.errorf(err, "read last full read", dir, entity)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, s.errorf(fmt.Errorf("stored time %q: %w", v, err), "read last full read", dir, entity)
	}
	return t.UTC(), nil
}

// SetFullRead records that dir and entity were read completely at t (a
// read that failed or stopped early is not complete).
func (s *State) SetFullRead(ctx context.Context, dir instance.Direction, entity string, t time.Time) error {
	v := t.UTC().Format(time.RFC3339Nano)
	if err := s.rdb.HSet(ctx, s.keys.FullReads(s.instance), cursorField(dir, entity), v).Err(); err != nil {
		return s.errorf(err, "store full read", dir, entity)
	}
	return nil
}

// FullReadDue reports whether the next read of dir and entity must be
// complete: there is no cursor, no complete read yet, or the last one is
// at least every old.
func (s *State) FullReadDue(ctx context.Context, dir instance.Direction, entity string, every time.Duration) (bool, error) {
	cursor, err := s.Cursor(ctx, dir, entity)
	if err != nil {
		return false, err
	}
	if cursor == "" {
		return true, nil
	}
	last, err := s.LastFullRead(ctx, dir, entity)
	if err != nil {
		return false, err
	}
	return last.IsZero() || s.clock.Now().Sub(last) >= every, nil
}
