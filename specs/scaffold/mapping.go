package scaffold

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/specs"
)

// identifier matches field names a template can read as name.field.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// keywords are words of the template language that are no field names.
var keywords = []string{"and", "or", "not", "in", "is", "true", "false", "none", "nil", "True", "False", "None"}

// readable reports whether every segment of a dotted path can be read in
// a template.
func readable(path string) bool {
	for seg := range strings.SplitSeq(path, ".") {
		if !identifier.MatchString(seg) || slices.Contains(keywords, seg) {
			return false
		}
	}
	return true
}

// mappings sets the entity's model and its read and write mappings from
// the model, or leaves them as a todo without one.
func (g *generator) mappings(c *collection, e *specs.Entity) {
	m := g.opts.Model
	if m == nil {
		g.todo(&e.Todo, c.name, "model and mappings: %q is a guess of the model entity; run specsync init with --model to map fields by name, or write read and write", c.name)
		return
	}
	model, why := g.modelEntity(c, m)
	e.Model = model
	if why != "" {
		g.todo(&e.Todo, c.name, "model: %s", why)
	} else {
		g.note(c.name, "model entity %s", model)
	}
	fields := modelFields(m, model)
	key := m.Entities[model].Key
	e.Write = g.writeMapping(c, e, model, key, fields)
	e.Read = g.readMapping(c, e, key, fields)
}

// modelEntity picks the model entity for a collection: one named alike,
// else the one sharing most field names (a todo then says so).
func (g *generator) modelEntity(c *collection, m *specs.Model) (string, string) {
	if chosen := g.opts.ModelEntities[c.name]; chosen != "" {
		return chosen, ""
	}
	names := slices.Sorted(maps.Keys(m.Entities))
	best, bestScore := "", -1
	for _, name := range names {
		for _, vendor := range []string{c.name, lastSegment(c.path)} {
			if s, ok := namesFit(flat(name), flat(vendor)); ok && (bestScore < 0 || s < bestScore) {
				best, bestScore = name, s
			}
		}
	}
	if best != "" {
		return best, ""
	}
	vendor := scalarFields(c.item, false)
	most := -1
	for _, name := range names {
		if n := len(matchFields(modelFields(m, name), vendor)); n > most {
			best, most = name, n
		}
	}
	return best, "no model entity is named like " + c.name + "; " + best + " shares the most field names with it. Choose the model entity it holds"
}

// modelFields lists the top-level fields of a model entity.
func modelFields(m *specs.Model, entity string) []string {
	return slices.Sorted(maps.Keys(properties(m.Schema(entity), 0)))
}

// writeMapping maps model fields to the fields of the create (else
// update) body: the key field from the model's key, the others by name.
// Required body fields no model field fits are written empty, with a
// todo.
func (g *generator) writeMapping(c *collection, e *specs.Entity, model, key string, fields []string) specs.Mapping {
	body := writeBody(c)
	if body == nil {
		return nil
	}
	vendor := slices.DeleteFunc(scalarFields(body, true), func(f field) bool {
		return f.path == e.Key || f.path == e.ID || !readable(f.path)
	})
	w := specs.Mapping{}
	if _, ok := properties(body, 0)[e.Key]; ok && (e.ID != "" || e.Upsert != nil) {
		w[e.Key] = "{{ " + model + "." + key + " }}"
	}
	for _, p := range matchFields(without(fields, key), vendor) {
		setPath(w, p.vendor.path, "{{ "+model+"."+p.model+" }}")
	}
	for _, name := range required(body, 0) {
		if _, ok := w[name]; !ok && name != e.ID {
			w[name] = ""
			g.todo(&e.Todo, c.name, "write.%s: the body requires %s and no model field is named like it; write its template", name, name)
		}
	}
	g.note(c.name, "write: %d of %d body fields mapped by name", len(w), len(properties(body, 0)))
	return w
}

// readMapping maps the listed objects' fields to model fields: the
// model's key from the key field, the others by name.
func (g *generator) readMapping(c *collection, e *specs.Entity, key string, fields []string) specs.Mapping {
	vendor := slices.DeleteFunc(scalarFields(c.item, false), func(f field) bool {
		return f.path == e.Key || f.path == e.ID || !readable(f.path)
	})
	r := specs.Mapping{}
	if readable(e.Key) {
		r[key] = "{{ " + c.name + "." + e.Key + " }}"
	}
	for _, p := range matchFields(without(fields, key), vendor) {
		r[p.model] = "{{ " + c.name + "." + p.vendor.path + " }}"
	}
	g.note(c.name, "read: %d of %d model fields mapped by name", len(r), len(fields))
	return r
}

// writeBody is the request body schema of the create, else the update.
func writeBody(c *collection) *openapi3.Schema {
	for _, o := range []*op{c.create, c.update} { // the update is the upsert when there is one
		if o != nil {
			if s := requestSchema(o.op); isObject(s) {
				return s
			}
		}
	}
	return nil
}

// without returns list without s.
func without(list []string, s string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(v string) bool { return v == s })
}

// setPath sets a dotted path in a mapping, making nested objects.
func setPath(m specs.Mapping, path, v string) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		m[head] = v
		return
	}
	inner, ok := m[head].(map[string]any)
	if !ok {
		inner = map[string]any{}
		m[head] = inner
	}
	setPath(inner, rest, v)
}
