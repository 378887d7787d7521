package specs

import (
	"fmt"
	"maps"
	"slices"
)

// Plugins is a registry of plug-in descriptions by kind and name. Load,
// Validate, Schema and PluginTable consult it; connectors builds it from
// the plug-ins it runs. Register everything before use; after that it is
// safe for concurrent use.
type Plugins struct {
	byKind map[PluginKind]map[string]Plugin
}

// Register adds p. A plug-in without a kind, name or Config, or whose name
// is taken within its kind, is refused.
func (r *Plugins) Register(p Plugin) error {
	if p.Kind == "" || p.Name == "" || p.Config == nil {
		return fmt.Errorf("plug-in %q is incomplete: it needs a kind, a name and Config", p.Name)
	}
	if _, dup := r.Lookup(p.Kind, p.Name); dup {
		return fmt.Errorf("%s %q is already registered", p.Kind.noun(), p.Name)
	}
	if r.byKind == nil {
		r.byKind = map[PluginKind]map[string]Plugin{}
	}
	if r.byKind[p.Kind] == nil {
		r.byKind[p.Kind] = map[string]Plugin{}
	}
	r.byKind[p.Kind][p.Name] = p
	return nil
}

// Lookup returns the plug-in of kind registered under name. A nil
// registry holds nothing.
func (r *Plugins) Lookup(kind PluginKind, name string) (Plugin, bool) {
	if r == nil {
		return Plugin{}, false
	}
	p, ok := r.byKind[kind][name]
	return p, ok
}

// Names lists the plug-ins of kind, sorted.
func (r *Plugins) Names(kind PluginKind) []string {
	if r == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(r.byKind[kind]))
}

// Summary describes the configured plug-in in one line: its config's
// Summary when it has one and decodes, else its type.
func (r *Plugins) Summary(kind PluginKind, typ string, config []byte) string {
	p, ok := r.Lookup(kind, typ)
	if !ok {
		return typ
	}
	cfg, err := p.Decode(config)
	if s, isSummarizer := cfg.(Summarizer); err == nil && isSummarizer {
		return s.Summary()
	}
	return typ
}
