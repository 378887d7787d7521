package bench

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// unlinkMatching unlinks every key matching a SCAN MATCH pattern, five
// hundred at a time.
func unlinkMatching(ctx context.Context, rdb redis.UniversalClient, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, 500).Iterator()
	batch := make([]string, 0, 500)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := rdb.Unlink(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return fmt.Errorf("bench: unlink %s: %w", pattern, err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("bench: scan %s: %w", pattern, err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("bench: unlink %s: %w", pattern, err)
	}
	return nil
}
