package connectors

import (
	"fmt"

	"github.com/specsync/specsync/specs"
)

// Plugins are the plug-ins a client chooses from by type: auth methods and
// paging styles. Hand the same value to Config and, through Describe, to
// specs.LoadOptions, so that validation checks what clients run.
type Plugins struct {
	// Auth holds the auth methods.
	Auth *AuthRegistry
	// Paginators holds the paging styles.
	Paginators *PaginatorRegistry
}

// DefaultPlugins returns new registries holding the built-in plug-ins.
func DefaultPlugins() Plugins {
	return Plugins{Auth: DefaultAuth(), Paginators: DefaultPaginators()}
}

// Describe returns the descriptions of every plug-in, for specs.Load,
// specs.Schema and specs.PluginTable. Nil registries count as the
// defaults.
func (p Plugins) Describe() *specs.Plugins {
	auth, pages := p.Auth, p.Paginators
	if auth == nil {
		auth = DefaultAuth()
	}
	if pages == nil {
		pages = DefaultPaginators()
	}
	out := &specs.Plugins{}
	for _, name := range auth.Names() {
		m, _ := auth.Lookup(name)
		mustRegister(out, m.Describe())
	}
	for _, name := range pages.Names() {
		m, _ := pages.Lookup(name)
		mustRegister(out, m.Describe())
	}
	return out
}

// mustRegister registers a description that registering in the
// connectors' registries already checked.
func mustRegister(r *specs.Plugins, p specs.Plugin) {
	if err := r.Register(p); err != nil {
		panic(fmt.Sprintf("connectors: %v", err))
	}
}
