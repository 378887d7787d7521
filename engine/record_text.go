package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/specs"
)

// conflictMessage explains a conflict to operators.
func conflictMessage(f *flow, action instance.Action) string {
	if action == instance.Delete {
		return fmt.Sprintf("the %s no longer has this record, but the %s owns %s; nothing is deleted and the record is written again on the next run",
			sourceName(f.dir), sourceName(f.owner), f.entity)
	}
	return fmt.Sprintf("the %s changed this record, but the %s owns %s; the change is not written and the owner's value is written again on the next run",
		sourceName(f.dir), sourceName(f.owner), f.entity)
}

// fieldConflictMessage explains a conflict in fields to operators.
func fieldConflictMessage(f *flow, fields []string) string {
	return fmt.Sprintf("the %s changed %s of %s, owned by the %s; not written, and the owner's value is written again",
		sourceName(f.dir), strings.Join(fields, ", "), f.entity, sourceName(f.dir.Opposite()))
}

// actionMap is the action of a record that failed before an action was
// chosen: reading, relating or mapping it.
const actionMap instance.Action = "map"

// actionAdopt is the action of a record found at the partner and taken
// over instead of created (updated where its values differ).
const actionAdopt instance.Action = "adopt"

// actionOf is the action a record tried: its action, else actionMap.
func actionOf(action instance.Action) instance.Action { return orDefault(action, actionMap) }

// sourceName names the system a direction reads from.
func sourceName(dir instance.Direction) string {
	if dir == instance.Push {
		return "home"
	}
	return "partner"
}

// changedValues lists the payload fields a write changed, with their new
// values masked where they are personal.
func changedValues(f *flow, d *decision) map[string]any {
	if d.m.payload == nil {
		return nil
	}
	changes := changesOf(d)
	out := make(map[string]any, len(changes))
	for _, c := range changes {
		out[c.Field] = maskedValue(f, c)
	}
	return out
}

// sentValues are the changed values an update sent: its changed fields
// less those in conflict, masked.
func sentValues(f *flow, d *decision) map[string]any {
	out := changedValues(f, d)
	for _, field := range d.conflicts {
		delete(out, field)
	}
	return out
}

// conflictValues are the new values of the conflicting fields of an
// update, masked.
func conflictValues(f *flow, d *decision) map[string]any {
	all := changedValues(f, d)
	out := make(map[string]any, len(d.conflicts))
	for _, field := range d.conflicts {
		out[field] = all[field]
	}
	return out
}

// maskedValue is a field change's new value, masked when personal.
func maskedValue(f *flow, c FieldChange) any {
	if c.Change == "removed" || c.Change == changeKept || c.New == nil {
		return nil
	}
	if f.mask[c.Field] {
		return store.MaskValue(c.New)
	}
	return c.New
}

// personalFields lists, per partner entity, the fields to mask in audit
// values: the model entity's personal fields and both specs' entity
// personal fields.
func personalFields(l *instance.Loaded) map[string][]string {
	out := map[string][]string{}
	for name, e := range l.Partner.Sync.Entities {
		fields := slices.Clone(e.Personal)
		if me := l.Model.Entities[e.Model]; me != nil {
			fields = append(fields, me.Personal...)
		}
		if _, he := homeEntity(l.Home, e.Model, name); he != nil {
			fields = append(fields, he.Personal...)
		}
		out[name] = fields
	}
	return out
}

// maskedFields finds the payload fields of a flow that carry personal
// data: those named like a personal field, and those whose templates read
// one (of the record or of an include).
func maskedFields(f *flow, model *specs.Model) map[string]bool {
	personal := map[string][]string{f.model: personalOf(f, model, f.model)}
	for _, inc := range f.includes {
		personal[inc.name] = personalOf(f, model, inc.model)
	}
	out := map[string]bool{}
	for _, field := range personal[f.model] {
		out[field] = true
	}
	for field, tree := range f.dst.ent.Write {
		if readsPersonal(templatesOf(tree), f.model, personal) {
			out[field] = true
		}
	}
	return out
}

// personalOf lists the personal fields of a model entity, with those the
// flow's spec entities declare.
func personalOf(f *flow, model *specs.Model, entity string) []string {
	var out []string
	if me := model.Entities[entity]; me != nil {
		out = append(out, me.Personal...)
	}
	if entity == f.model {
		out = append(append(out, f.src.ent.Personal...), f.dst.ent.Personal...)
	}
	return out
}

// readsPersonal reports whether templates may read a personal field of
// the record ("lease.email", "record.email") or of an include.
func readsPersonal(templates []string, model string, personal map[string][]string) bool {
	for _, t := range templates {
		for _, p := range mentionedPaths(t) {
			if len(p) < 2 {
				continue
			}
			name := p[0]
			if name == varRecord {
				name = model
			}
			for _, field := range personal[name] {
				if overlaps(p[1:], strings.Split(field, ".")) {
					return true
				}
			}
		}
	}
	return false
}

// overlaps reports whether one path leads into the other: reading
// "contact" reads "contact.email", and so does "contact.email.domain".
func overlaps(a, b []string) bool {
	n := min(len(a), len(b))
	return slices.Equal(a[:n], b[:n])
}
