package connectors

import (
	"fmt"
	"slices"
)

// registry holds plug-ins by name. It is not safe for concurrent
// registration; register everything before building clients.
type registry[M any] struct {
	items map[string]M
}

func (r *registry[M]) register(kind, name string, m M) error {
	if name == "" {
		return fmt.Errorf("a %s needs a name", kind)
	}
	if _, dup := r.items[name]; dup {
		return fmt.Errorf("%s %q is already registered", kind, name)
	}
	r.put(name, m)
	return nil
}

func (r *registry[M]) put(name string, m M) {
	if r.items == nil {
		r.items = map[string]M{}
	}
	r.items[name] = m
}

func (r *registry[M]) lookup(name string) (M, bool) {
	m, ok := r.items[name]
	return m, ok
}

// names returns the registered names, sorted.
func (r *registry[M]) names() []string {
	names := make([]string, 0, len(r.items))
	for n := range r.items {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// only returns the one item for which set is true; none or several is an
// error naming what was set.
func (r *registry[M]) only(kind string, set func(M) bool) (string, M, error) {
	var found []string
	for _, n := range r.names() {
		if set(r.items[n]) {
			found = append(found, n)
		}
	}
	var zero M
	switch len(found) {
	case 1:
		return found[0], r.items[found[0]], nil
	case 0:
		return "", zero, fmt.Errorf("no %s is set; set exactly one of %v", kind, r.names())
	}
	return "", zero, fmt.Errorf("%v are set; set exactly one %s", found, kind)
}

func errIncomplete(kind, name string) error {
	return fmt.Errorf("%s %q is incomplete: it needs a name, Configured and New", kind, name)
}
