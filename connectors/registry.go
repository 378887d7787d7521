package connectors

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/specsync/specsync/specs"
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
	return slices.Sorted(maps.Keys(r.items))
}

// unknown is the error of a type no plug-in of the registry has.
func (r *registry[M]) unknown(kind, name string) error {
	if name == "" {
		return fmt.Errorf("no %s type is set; use one of %v", kind, r.names())
	}
	if close := specs.Suggest(name, r.names()); close != "" {
		return fmt.Errorf("%s %q is not registered; did you mean %q?", kind, name, close)
	}
	return fmt.Errorf("%s %q is not registered; use one of %v", kind, name, r.names())
}

func errIncomplete(kind, name string) error {
	return fmt.Errorf("%s %q is incomplete: it needs a name, Config and New", kind, name)
}

// settings returns a plug-in's config: decoded already, when it is of the
// plug-in's config type, else decoded from its JSON.
func settings(p specs.Plugin, decoded any, config []byte) (any, error) {
	if decoded != nil && reflect.TypeOf(decoded) == reflect.TypeOf(p.Config()) {
		return decoded, nil
	}
	return p.Decode(config)
}
