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

// ErrInstanceBusy is returned by a task of an instance that another task
// (a run, a retry or a record sync) is working on; asynq retries it later.
var ErrInstanceBusy = errors.New("another task of the instance is running")

// instanceLock keeps two tasks of one instance from running at once,
// across processes: a Redis key with a short TTL that its holder renews.
// A renewal or release that fails is left to the TTL: the lock then
// lapses by itself within lockTTL.
type InstanceLock struct {
	Rdb redis.UniversalClient
	Ns  keys.Namespace
}

// renewScript extends the lock only while the caller holds it.
var renewScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)

// releaseScript deletes the lock only while the caller holds it.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// key names the lock of instance.
func (l InstanceLock) key(instance string) string {
	return l.Ns.Prefix() + "lock:{" + instance + "}"
}

// hold takes the lock of instance and renews it until the returned
// release is called. It fails with ErrInstanceBusy when another holds it.
func (l InstanceLock) Hold(ctx context.Context, instance string) (release func(), err error) {
	owner := rand.Text()
	ok, err := l.Rdb.SetNX(ctx, l.key(instance), owner, lockTTL).Result()
	if err != nil {
		return nil, fmt.Errorf("lock of %q: %w", instance, err)
	}
	if !ok {
		return nil, fmt.Errorf("instance %q: %w", instance, ErrInstanceBusy)
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go l.renew(instance, owner, done, stopped)
	return func() {
		close(done)
		<-stopped
		releaseScript.Run(context.Background(), l.Rdb, []string{l.key(instance)}, owner)
	}, nil
}

// renew extends the lock every lockRefresh until done closes.
func (l InstanceLock) renew(instance, owner string, done <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(lockRefresh)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			renewScript.Run(context.Background(), l.Rdb, []string{l.key(instance)}, owner, lockTTL.Milliseconds())
		}
	}
}
