package connectors

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/clock"
)

// redisLimiter is a GCRA (generic cell rate algorithm) limiter whose state,
// one "theoretical arrival time" per partner account (or per system and
// instance, by the spec's scope), lives in Redis, so every process calling
// with the account shares the rate. Time is Redis's own (TIME), so the
// workers' clocks need not agree.
//
// A call reserves the next free slot and returns the wait until it; the
// caller sleeps on its Clock. A caller whose context ends while it waits
// loses its slot, which slows the others down slightly rather than
// exceeding the rate.
type redisLimiter struct {
	rdb      redis.UniversalClient
	key      string
	interval time.Duration
	burst    int
	clock    clock.Clock
}

// gcraReserve takes a slot. KEYS[1]: the state key. ARGV: the emission
// interval and the burst, in microseconds and requests. Returns the wait
// in microseconds.
var gcraReserve = redis.NewScript(`
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local newtat = tat + interval
local wait = newtat - burst * interval - now
if wait < 0 then wait = 0 end
redis.call('SET', KEYS[1], string.format('%.0f', newtat), 'PX', math.ceil((newtat - now) / 1000) + 1000)
return wait
`)

// gcraPause pushes the state so that no slot is free for ARGV[3]
// microseconds. ARGV: interval, burst, pause.
var gcraPause = redis.NewScript(`
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local paused = now + tonumber(ARGV[3]) + (burst - 1) * interval
if paused > tat then
  redis.call('SET', KEYS[1], string.format('%.0f', paused), 'PX', math.ceil((paused - now) / 1000) + 1000)
end
return 0
`)

func (l *redisLimiter) wait(ctx context.Context) error {
	wait, err := gcraReserve.Run(ctx, l.rdb, []string{l.key}, l.interval.Microseconds(), l.burst).Int64()
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", l.key, err)
	}
	return sleep(ctx, l.clock, WaitRateLimit, time.Duration(wait)*time.Microsecond)
}

func (l *redisLimiter) pause(ctx context.Context, d time.Duration) error {
	err := gcraPause.Run(ctx, l.rdb, []string{l.key}, l.interval.Microseconds(), l.burst, d.Microseconds()).Err()
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", l.key, err)
	}
	return nil
}
