package redteam

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Leak is a canary found where it must not be.
type Leak struct {
	// Canary names the credential.
	Canary string
	// Where is the output or the Redis key (and field) that holds it.
	Where string
}

func (l Leak) String() string { return fmt.Sprintf("credential %s in %s", l.Canary, l.Where) }

// needles are the texts that betray each canary: its random part alone,
// so that a cut, quoted or prefixed copy is found too.
func (e *Env) needles() map[string]string {
	out := make(map[string]string, len(e.Canaries))
	for name, v := range e.Canaries {
		out[name] = v[strings.LastIndexByte(v, '-')+1:]
	}
	return out
}

// find reports the canaries text holds, as found at where.
func (e *Env) find(where, text string) []Leak {
	var leaks []Leak
	for name, needle := range e.needles() {
		if strings.Contains(text, needle) {
			leaks = append(leaks, Leak{Canary: name, Where: where})
		}
	}
	return leaks
}

// CheckCanaries searches the transcript of every command and every Redis
// value under the case's prefix and its queue's asynq keys for the
// canaries, and returns where it found them, along with the number of
// keys it read.
func (e *Env) CheckCanaries(ctx context.Context) ([]Leak, int, error) {
	leaks := e.find("command output", e.Transcript())
	n := 0
	for _, pattern := range []string{e.opts.Prefix + "*", "asynq:{" + e.Queue + "}*"} {
		iter := e.rdb.Scan(ctx, 0, pattern, 500).Iterator()
		for iter.Next(ctx) {
			key := iter.Val()
			n++
			leaks = append(leaks, e.find("Redis key "+key, key)...)
			vals, err := readValue(ctx, e.rdb, key)
			if err != nil {
				return nil, n, err
			}
			for where, v := range vals {
				leaks = append(leaks, e.find("Redis "+key+where, v)...)
			}
		}
		if err := iter.Err(); err != nil {
			return nil, n, err
		}
	}
	return leaks, n, nil
}

// readValue reads a key of any type as texts by where in the value they
// are: "" for a string, " field F" for a hash, " item I" for a list,
// " member" for sets and sorted sets, " entry ID" for a stream.
func readValue(ctx context.Context, rdb *redis.Client, key string) (map[string]string, error) {
	typ, err := rdb.Type(ctx, key).Result()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	switch typ {
	case "none":
	case "string":
		v, err := rdb.Get(ctx, key).Result()
		if err != nil && err != redis.Nil {
			return nil, err
		}
		out[""] = v
	case "hash":
		m, err := rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return nil, err
		}
		for f, v := range m {
			out[" field "+f] = f + "\x00" + v
		}
	case "list":
		l, err := rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return nil, err
		}
		for i, v := range l {
			out[fmt.Sprintf(" item %d", i)] = v
		}
	case "set":
		m, err := rdb.SMembers(ctx, key).Result()
		if err != nil {
			return nil, err
		}
		out[" member"] = strings.Join(m, "\x00")
	case "zset":
		m, err := rdb.ZRange(ctx, key, 0, -1).Result()
		if err != nil {
			return nil, err
		}
		out[" member"] = strings.Join(m, "\x00")
	case "stream":
		entries, err := rdb.XRange(ctx, key, "-", "+").Result()
		if err != nil {
			return nil, err
		}
		for _, en := range entries {
			out[" entry "+en.ID] = fmt.Sprint(en.Values)
		}
	default:
		return nil, fmt.Errorf("redis key %s has type %s, which the canary search cannot read", key, typ)
	}
	return out, nil
}
