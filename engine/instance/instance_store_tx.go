package instance

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// errNoInstance marks a change of an instance the store does not have.
var errNoInstance = fmt.Errorf("no such instance: %w", ErrNotFound)

// storeOp is what one change writes: nothing (the zero value), the
// instance encoded as data, or its removal.
type storeOp struct {
	inst   *Instance
	data   []byte
	remove bool
}

// update runs one optimistic transaction on the instance with id: decide
// gets the stored instance (nil when there is none) and says what to
// write. The transaction is retried when the instance changes meanwhile.
func (s *InstanceStore) update(ctx context.Context, id string, decide func(*Instance) (storeOp, error)) error {
	for range maxTxRetries {
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			old, err := s.get(ctx, tx, id)
			if err != nil {
				return err
			}
			op, err := decide(old)
			if err != nil || (op.inst == nil && !op.remove) {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				s.write(ctx, p, id, old, op)
				return nil
			})
			return err
		}, s.keys.Instance(id))
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
	}
	return fmt.Errorf("the instance changed %d times while being written; try again", maxTxRetries)
}

// write queues the commands of op, which replaces old, and bumps the
// version.
func (s *InstanceStore) write(ctx context.Context, p redis.Pipeliner, id string, old *Instance, op storeOp) {
	if old != nil && (op.remove || old.Organisation != op.inst.Organisation) {
		p.SRem(ctx, s.keys.Organisation(old.Organisation), id)
	}
	if op.remove {
		p.Del(ctx, s.keys.Instance(id))
		p.SRem(ctx, s.keys.Instances(), id)
	} else {
		p.Set(ctx, s.keys.Instance(id), op.data, 0)
		p.SAdd(ctx, s.keys.Instances(), id)
		p.SAdd(ctx, s.keys.Organisation(op.inst.Organisation), id)
	}
	p.Incr(ctx, s.keys.InstancesVersion())
}
