package transforms

import "sync"

// cacheLimit bounds every argument cache; arguments beyond it are parsed
// on each use instead of stored.
const cacheLimit = 4096

// argCache memoises what a filter derives from its argument (a compiled
// regular expression, a parsed value map, a loaded zone). Filters are
// plain functions in pongo2's process-wide registry, so the caches live at
// package level; they hold only pure functions of their keys, never data
// from records. Safe for concurrent use.
type argCache[T any] struct {
	mu sync.RWMutex
	m  map[string]cached[T]
}

type cached[T any] struct {
	v   T
	err error
}

// get returns the value for key, building and storing it on first use.
func (c *argCache[T]) get(key string, build func(string) (T, error)) (T, error) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return e.v, e.err
	}
	v, err := build(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cached[T])
	}
	if len(c.m) < cacheLimit {
		c.m[key] = cached[T]{v, err}
	}
	return v, err
}
