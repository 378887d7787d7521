package engine

import (
	"maps"
	"slices"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/transforms"
)

// Template variables of a run.
//
// Write mappings, `when` and operation parameters see:
//   - the model record under its model entity name ("lease") and as
//     "record";
//   - each include by its name ("unit", "tenant"): the related model
//     record;
//   - "ids": the target system's id of each included record, by include
//     name (the partner id on push, the home key on pull);
//   - "instance": {"id", "organisation", "source"} of the running
//     instance.
//
// Operation parameters further see "key" (the home key) and "id" (the
// target system's id of the record, once it has one).
//
// Read mappings see the API object under the spec entity's name and as
// "record", and "instance".
const (
	varRecord   = "record"
	varIDs      = "ids"
	varInstance = "instance"
	varKey      = "key"
	varID       = "id"
)

// instanceVars is the "instance" variable of inst.
func instanceVars(inst *instance.Instance) map[string]any {
	return map[string]any{"id": inst.ID, "organisation": inst.Organisation, "source": inst.Source}
}

// readVars are the variables of a read mapping over an API object.
func readVars(entity string, obj map[string]any, inst map[string]any) transforms.Vars {
	return transforms.Vars{entity: obj, varRecord: obj, varInstance: inst}
}

// recordVars are the variables of include key templates: the model
// record and the instance.
func recordVars(model string, rec map[string]any, inst map[string]any) transforms.Vars {
	return transforms.Vars{model: rec, varRecord: rec, varInstance: inst}
}

// writeVars are the variables of a write mapping: the record, its
// includes and their ids, and the instance.
func writeVars(model string, rec map[string]any, inc map[string]map[string]any, ids map[string]any, inst map[string]any) transforms.Vars {
	v := make(transforms.Vars, len(inc)+6) // room for an operation's key and id
	for name, r := range inc {
		v[name] = r
	}
	v[model], v[varRecord], v[varInstance] = rec, rec, inst
	if ids == nil {
		ids = noIDs
	}
	v[varIDs] = ids
	return v
}

// noIDs are the ids of a record without includes; templates only read it.
var noIDs = map[string]any{}

// opVars adds "key" and "id" to a copy of v for an operation's
// parameters. id may be empty (a create).
func opVars(v transforms.Vars, key, id string) transforms.Vars {
	out := maps.Clone(v)
	if out == nil {
		out = transforms.Vars{}
	}
	setOpVars(out, key, id)
	return out
}

// setOpVars sets "key" and "id" in v, leaving no id of an earlier
// operation when id is empty.
func setOpVars(v transforms.Vars, key, id string) {
	v[varKey] = key
	if id != "" {
		v[varID] = id
	} else {
		delete(v, varID)
	}
}

// idsUsed lists, sorted, the include names whose ids the templates may
// read (ids.NAME).
func idsUsed(templates []string) []string {
	seen := map[string]bool{}
	for _, t := range templates {
		for _, p := range mentionedPaths(t) {
			if len(p) > 1 && p[0] == varIDs {
				seen[p[1]] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// mentionedPaths are the variable paths a template may read, as package
// transforms reads them; a template it cannot read (one that does not
// compile either) mentions none.
func mentionedPaths(t string) [][]string {
	paths, _ := transforms.MentionedPaths(t)
	return paths
}

// templatesOf lists every string of a mapping tree.
func templatesOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case map[string]any:
		var out []string
		for _, child := range t {
			out = append(out, templatesOf(child)...)
		}
		return out
	case []any:
		var out []string
		for _, child := range t {
			out = append(out, templatesOf(child)...)
		}
		return out
	}
	return nil
}
