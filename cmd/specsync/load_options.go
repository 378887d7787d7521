package main

import (
	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// builtinPlugins describes the built-in auth methods and paging styles,
// the ones the engine's clients run (the commands leave engine.Config's
// registries nil).
func builtinPlugins() *specs.Plugins { return connectors.DefaultPlugins().Describe() }

// loadOptions returns the options every command loads specs with: the
// safe defaults, with the built-in plug-ins so that auth and pagination
// configs are checked on load.
func loadOptions() specs.LoadOptions {
	return specs.LoadOptions{Plugins: builtinPlugins()}
}
