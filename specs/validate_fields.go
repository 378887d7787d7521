package specs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// checkFields refuses `fields` entries that name a field the entity
// neither writes nor reads (Spec.FieldNames): an option on such a field
// would never apply.
func (c *specCheck) checkFields(name string, e *Entity) {
	if len(e.Fields) == 0 {
		return
	}
	known := c.spec.FieldNames(name)
	for _, field := range slices.Sorted(maps.Keys(e.Fields)) {
		if !slices.Contains(known, field) {
			c.r.errorHint(CodeUnknownWriteField, jsonptr.Join(entityPointer(name), "fields", field), FieldsHint(field, known),
				"field %q is neither written nor read by entity %q", field, name)
		}
	}
}

// FieldsHint is the hint of a finding about an unknown field: the closest
// known field, and all of them.
func FieldsHint(field string, known []string) string {
	if len(known) == 0 {
		return "the entity has no write mapping, write schema or read mapping whose fields could be named"
	}
	hint := "name a top-level field of the write mapping (or of the read mapping's API object): " + strings.Join(known, ", ")
	if close := Suggest(field, known); close != "" {
		hint = fmt.Sprintf("did you mean %q? %s", close, hint)
	}
	return hint
}
