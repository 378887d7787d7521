package specs

import (
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// checkClear checks the clear policies of an entity: replace is set on
// updates and upserts only, every field named in
// `fields` is a top-level field of the written body, a declared "empty"
// has a type with an empty value, and a mapped field that a merge-style
// update could not clear is a warning (the partner would keep a value the
// home no longer has).
func (c *specCheck) checkClear(name string, e *Entity) {
	p := entityPointer(name)
	for _, s := range e.slots() {
		if s.op.Replace && s.key != "update" && s.key != "upsert" {
			c.r.errorHint(CodeInvalidValue, jsonptr.Join(p, s.key, "replace"), "remove it; only an update or upsert replaces a record",
				"%q does not apply to a %s", "replace", s.key)
		}
	}
	schema := c.spec.UpdateSchema(e)
	for _, field := range slices.Sorted(maps.Keys(e.Fields)) {
		fp := jsonptr.Join(p, "fields", field)
		_, mapped := e.Write[field]
		prop, known := property(schema, field, 0)
		if len(e.Write) > 0 && !mapped || len(e.Write) == 0 && prop == nil && known {
			// checkFields reports names the entity neither writes nor
			// reads; a read-only field may have an owner, not a clear.
			if o := e.Fields[field]; o != nil && o.Clear != "" && slices.Contains(c.spec.FieldNames(name), field) {
				c.r.errorHint(CodeUnknownWriteField, jsonptr.Join(fp, "clear"), didYouMean(field, slices.Sorted(maps.Keys(e.Write)), "fields written"),
					"field %q has a clear policy, but the write mapping does not write it", field)
			}
			continue
		}
		if o := e.Fields[field]; o != nil && o.Clear == ClearEmpty {
			if cl := ClearingOf(ClearEmpty, prop); !cl.OK {
				c.r.errorHint(CodeInvalidValue, jsonptr.Join(fp, "clear"), `use "null" if the partner accepts null, or "omit"`,
					`field %q cannot be cleared with "empty": %s`, field, cl.Reason)
			}
		}
	}
	if e.Update == nil && e.Upsert == nil || c.spec.Replaces(e) {
		return
	}
	for _, field := range slices.Sorted(maps.Keys(e.Write)) {
		if !canEmpty(e.Write[field]) {
			continue
		}
		switch policy := e.ClearOf(field); {
		case policy == ClearOmit:
			// Declared: the record is reported divergent when it happens.
		case policy == ClearEmpty && e.Fields[field] != nil:
			// Checked above.
		default:
			cl := c.spec.FieldClearing(e, field)
			if cl.OK {
				continue
			}
			c.r.warnHint(CodeUnclearedField, jsonptr.Join(p, "write", field),
				`declare "fields": {"`+field+`": {"clear": "null"}} if the partner accepts null anyway, or {"clear": "omit"} to leave its value (such records are reported divergent)`,
				"field %q cannot be cleared when it becomes empty: %s; an update would leave the partner's old value", field, cl.Reason)
		}
	}
}

// canEmpty reports whether a mapped value can become empty: a template,
// or an object or array of them. Constants never do.
func canEmpty(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, "{{") || strings.Contains(v, "{%")
	case map[string]any:
		for _, x := range v {
			if canEmpty(x) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(v, canEmpty)
	}
	return false
}
