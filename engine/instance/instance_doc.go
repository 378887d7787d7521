package instance

import (
	"reflect"

	"github.com/specsync/specsync/specs"
)

// OptionsTable renders the keys of an instance file's options as a
// Markdown table, from the tags of Options; docs/instances.md holds it.
func OptionsTable() string { return specs.KeysTable(reflect.TypeFor[Options]()) }
