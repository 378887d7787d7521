// Package transforms turns records into records: it owns the sandboxed
// pongo2 environment in which mapping templates run, the filter library
// (dates and time zones, decimals and German number formats, currencies,
// value maps, checks, text, contact data, composite keys), compiled
// mappings, and the conversion of rendered values to the types of a
// target JSON schema.
//
// An Env compiles templates and mappings once; a Mapping is then applied
// to many records, concurrently if wanted:
//
//	env := transforms.NewEnv()
//	m, err := env.CompileMapping(spec.Write, requestSchema) // all broken templates at once
//	body, err := m.Apply(transforms.Vars{"lease": lease, "tenant": tenant})
//
// Templates cannot read files or other templates. pongo2 keeps its filters
// in one registry per process; the first NewEnv registers this package's
// filters there (replacing pongo2's filters of the same name) and nothing
// else in the package holds state beyond caches of parsed filter
// arguments.
//
// The package knows nothing about HTTP, Redis or specs: callers pass the
// mapping tree and the target schema. docs/filters.md is generated from
// Filters.
package transforms

//go:generate go test -run ^TestFiltersDoc$ -update
