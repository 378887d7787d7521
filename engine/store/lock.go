package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
)

// Defaults of the instance lock.
const (
	lockTTL     = 30 * time.Second
	lockRefresh = 10 * time.Second
)

// ErrInstanceBusy is returned by Locks.Hold for an instance that another
// task (a run, a retry or a record sync) is working on; the queue retries
// such a task later.
var ErrInstanceBusy = errors.New("another task of the instance is running")

// Locks keep two tasks of one instance from running at once, across
// processes: a Redis key per instance with a short TTL that its holder
// renews. A renewal or release that fails is left to the TTL: the lock
// then lapses by itself within 30 seconds. Locks are safe for concurrent
// use.
type Locks struct {
	rdb redis.UniversalClient
	ns  keys.Namespace
}

// NewLocks returns the instance locks on rdb under namespace ns.
func NewLocks(rdb redis.UniversalClient, ns keys.Namespace) *Locks {
	return &Locks{rdb: rdb, ns: ns}
}

// renewScript extends the lock only while the caller holds it.
var renewScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)

// releaseScript deletes the lock only while the caller holds it.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// Hold takes the lock of instance and renews it until the returned
// release is called. It fails with ErrInstanceBusy when another holds it.
func (l *Locks) Hold(ctx context.Context, instance string) (release func(), err error) {
	owner := rand.Text()
	key := l.ns.Lock(instance)
	ok, err := l.rdb.SetNX(ctx, key, owner, lockTTL).Result()
	if err != nil {
		return nil, fmt.Errorf("lock of %q: %w", instance, err)
	}
	if !ok {
		return nil, fmt.Errorf("instance %q: %w", instance, ErrInstanceBusy)
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go l.renew(key, owner, done, stopped)
	return func() {
		close(done)
		<-stopped
		releaseScript.Run(context.Background(), l.rdb, []string{key}, owner)
	}, nil
}

// renew extends the lock at key every lockRefresh until done closes.
func (l *Locks) renew(key, owner string, done <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(lockRefresh)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			renewScript.Run(context.Background(), l.rdb, []string{key}, owner, lockTTL.Milliseconds())
		}
	}
}
