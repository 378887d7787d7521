package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
)

// baseURLs are the --base-url SYSTEM=URL flags of instances apply: the
// base URL of every applied instance's home or partner whose spec's
// x-sync system is SYSTEM.
type baseURLs map[string]string

// parseBaseURLs reads --base-url values.
func parseBaseURLs(values []string) (baseURLs, error) {
	out := baseURLs{}
	for _, v := range values {
		system, raw, ok := strings.Cut(v, "=")
		if !ok || system == "" {
			return nil, fmt.Errorf("--base-url %q: want SYSTEM=URL, SYSTEM being a spec's x-sync system (erp=http://erp:8080/api/v2)", v)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--base-url %s: %q is not an http:// or https:// URL", system, raw)
		}
		if _, dup := out[system]; dup {
			return nil, fmt.Errorf("--base-url %s is given twice", system)
		}
		out[system] = raw
	}
	return out, nil
}

// set moves the home and partner of l to their systems' base URLs and
// marks the systems used.
func (b baseURLs) set(l *instance.Loaded, used map[string]bool) {
	for _, side := range []struct {
		sys    *instance.System
		system string
	}{{&l.Instance.Home, l.Home.Sync.System}, {&l.Instance.Partner, l.Partner.Sync.System}} {
		if u, ok := b[side.system]; ok {
			side.sys.BaseURL, used[side.system] = u, true
		}
	}
}

// unused returns an error naming the systems no applied instance has.
func (b baseURLs) unused(used map[string]bool, seen []string) error {
	var missing []string
	for system := range b {
		if !used[system] {
			missing = append(missing, system)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	slices.Sort(seen)
	return fmt.Errorf("--base-url %s: no applied instance has such a system (theirs: %s)", strings.Join(missing, ", "), strings.Join(slices.Compact(seen), ", "))
}

// enqueueRuns enqueues a run of every id on the installation's queue, for
// serve's workers to take.
func enqueueRuns(ctx context.Context, out io.Writer, rdb redis.UniversalClient, ns keys.Namespace, ids []string) error {
	client := asynq.NewClientFromRedisClient(rdb)
	for _, id := range ids {
		task, err := queue.NewRunTask(queue.RunPayload{Instance: id, Trigger: queue.TriggerManual}, queue.Route{Keys: ns})
		if err == nil {
			_, err = client.EnqueueContext(ctx, task)
		}
		switch {
		case errors.Is(err, asynq.ErrTaskIDConflict):
			fmt.Fprintf(out, "%s: a run is already pending or running\n", id)
		case err != nil:
			return fmt.Errorf("%s: enqueue a run: %w", id, err)
		default:
			fmt.Fprintf(out, "%s: run enqueued on queue %s\n", id, ns.Queue())
		}
	}
	return nil
}
