package bench

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// cpuUse is CPU time used by this process and by the Redis server.
type cpuUse struct{ process, redis time.Duration }

// cpuNow reads both clocks; the Redis one from INFO, zero when the server
// does not say (an in-process miniredis, whose work counts as the
// process's).
func cpuNow(ctx context.Context, rdb redis.UniversalClient) cpuUse {
	use := cpuUse{process: processCPU()}
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return use
	}
	for line := range strings.Lines(info) {
		name, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		if name == "used_cpu_sys" || name == "used_cpu_user" {
			if s, err := strconv.ParseFloat(value, 64); err == nil {
				use.redis += time.Duration(s * float64(time.Second))
			}
		}
	}
	return use
}

// since is the CPU time used between before and u.
func (u cpuUse) since(before cpuUse) cpuUse {
	return cpuUse{u.process - before.process, u.redis - before.redis}
}

// total is the time of both.
func (u cpuUse) total() time.Duration { return u.process + u.redis }
