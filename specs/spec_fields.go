package specs

import (
	"maps"
	"slices"

	"github.com/specsync/specsync/transforms"
)

// OwnerOf returns the side that owns a top-level field of the entity's
// written body: the field's own sourceOfTruth, else the entity's, else
// SideHome.
func (e *Entity) OwnerOf(field string) Side {
	if o := e.Fields[field]; o != nil && o.SourceOfTruth != "" {
		return o.SourceOfTruth
	}
	if e.SourceOfTruth != "" {
		return e.SourceOfTruth
	}
	return SideHome
}

// FieldNames lists, sorted, the fields of an entity that its `fields`
// may name: the top-level fields of the written body (the keys of the
// write mapping, or without one the properties of the write operations'
// request schemas) and the top-level fields of the API object its read
// mapping reads. Nil when the spec has no such entity.
func (s *Spec) FieldNames(name string) []string {
	e, ok := s.Entity(name)
	if !ok {
		return nil
	}
	names := map[string]bool{}
	for k := range e.Write {
		names[k] = true
	}
	if len(e.Write) == 0 {
		for _, sl := range e.slots() {
			if sl.isWrite() {
				for _, p := range propertyNames(s.WriteSchema(sl.op)) {
					names[p] = true
				}
			}
		}
	}
	for _, f := range e.ReadFields(name) {
		names[f] = true
	}
	return slices.Sorted(maps.Keys(names))
}

// ReadFields lists, sorted, the top-level fields of the API object that
// the entity's read mapping may read: the first name after the object's
// variable (the entity's name or "record") in each path its templates
// mention. Nil for an omitted read mapping.
func (e *Entity) ReadFields(name string) []string {
	names := map[string]bool{}
	for _, t := range mappingTemplates(e.Read) {
		paths, _ := transforms.MentionedPaths(t)
		for _, p := range paths {
			if len(p) > 1 && (p[0] == name || p[0] == "record") {
				names[p[1]] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(names))
}

// mappingTemplates lists every string of a mapping tree.
func mappingTemplates(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case Mapping:
		return mappingTemplates(map[string]any(t))
	case map[string]any:
		var out []string
		for _, child := range t {
			out = append(out, mappingTemplates(child)...)
		}
		return out
	case []any:
		var out []string
		for _, child := range t {
			out = append(out, mappingTemplates(child)...)
		}
		return out
	}
	return nil
}
