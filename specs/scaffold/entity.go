package scaffold

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/specs"
)

// externalKeys are the flat names of fields that usually carry a key of
// the caller's system.
var externalKeys = []string{"externalid", "externalref", "externalreference", "externalkey", "externalcode", "foreignid", "foreignkey", "customid", "sourceid", "integrationid", "referenceid"}

// entity builds the x-sync entity of a collection.
func (g *generator) entity(c *collection) *specs.Entity {
	e := &specs.Entity{Model: c.name}
	upsert := g.upsertKey(c, e)
	if !upsert {
		g.keys(c, e)
	}
	e.List = g.operation(c, c.list, e, "list")
	e.List.Records = c.records
	e.Get = g.operation(c, c.get, e, "get")
	e.Create = g.operation(c, c.create, e, "create")
	if upsert {
		e.Upsert = g.operation(c, c.update, e, "upsert")
	} else {
		e.Update = g.operation(c, c.update, e, "update")
	}
	e.Delete = g.operation(c, c.delete, e, "delete")
	g.paging(c, e)
	g.mappings(c, e)
	if e.ID != "" && e.Create != nil {
		e.Match = &specs.Match{} // records already there are adopted by their key field
		g.note(c.name, "match: before creating, the list is read once and records whose %s holds a home key are adopted", e.Key)
	}
	return e
}

// upsertKey reports whether the collection is written by a PUT on the
// member path alone (no POST on the collection) whose parameter is a
// field of the objects: the caller then chooses the member's name, so the
// PUT is an upsert by the home key, and that field is the key.
func (g *generator) upsertKey(c *collection, e *specs.Entity) bool {
	if c.create != nil || c.update == nil || c.update.method != "PUT" {
		return false
	}
	if _, ok := properties(c.item, 0)[c.idParam]; !ok {
		return false
	}
	e.Key = c.idParam
	g.note(c.name, "upsert: PUT %s with no POST on %s, so the caller names the record: key %s, written by upsert with the home key", c.itemPath, c.path, c.idParam)
	return true
}

// keys decides the entity's key and id fields: a field made for the
// caller's key (externalId and the like) is the key and the vendor's id
// its id; without one the vendor's id is the key, to be checked.
func (g *generator) keys(c *collection, e *specs.Entity) {
	props := properties(c.item, 0)
	id := idField(props, c.idParam, c.name)
	ext := externalField(props)
	switch {
	case ext != "" && id != "":
		e.Key, e.ID = ext, id
		g.note(c.name, "key %s (the caller's key), id %s (the system's own)", ext, id)
	case ext != "":
		e.Key = ext
		g.note(c.name, "key %s, the system's own id not found", ext)
	case id != "":
		e.Key = id
		g.todo(&e.Todo, c.name, "key: the objects have no field for your system's key, so key is the system's own id %q; name the field that carries your key (such as an external reference), or keep %q when this system is the home", id, id)
	default:
		e.Key = "id"
		g.todo(&e.Todo, c.name, "key: no id field found in the listed objects; set key to the path of the field that carries your system's key")
	}
}

// idField finds the objects' own id: the member path's parameter when it
// is a field, else "id", else the entity's name and id ("project_id"),
// else the shortest field named like an id.
func idField(props map[string]*openapi3.Schema, param, entity string) string {
	if _, ok := props[param]; ok && param != "" {
		return param
	}
	for _, want := range []string{"id", flat(entity) + "id", "uuid", "guid"} {
		for _, name := range slices.Sorted(maps.Keys(props)) {
			if flat(name) == want && isScalar(props[name]) {
				return name
			}
		}
	}
	var ids []string
	for name, s := range props {
		if f := flat(name); strings.HasSuffix(f, "id") && isScalar(s) && !slices.Contains(externalKeys, f) {
			ids = append(ids, name)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return len(a) - len(b) })
	if len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// externalField finds a field made to carry the caller's key.
func externalField(props map[string]*openapi3.Schema) string {
	for _, name := range slices.Sorted(maps.Keys(props)) {
		if f := flat(name); isScalar(props[name]) && (slices.Contains(externalKeys, f) || strings.HasPrefix(f, "external") && strings.HasSuffix(f, "id")) {
			return name
		}
	}
	return ""
}

// operation points at o, naming it (the overlay gives it an operationId
// when the document has none) and filling its parameters: the member's
// id and every other required parameter.
func (g *generator) operation(c *collection, o *op, e *specs.Entity, slot string) *specs.Operation {
	if o == nil {
		return nil
	}
	out := &specs.Operation{Operation: g.operationID(c, o, slot)}
	for _, p := range o.params {
		g.param(c, p, out, e, slot)
	}
	return out
}

// param fills one parameter: the member path's parameter with the id,
// other required ones with their default or a todo.
func (g *generator) param(c *collection, p *openapi3.Parameter, out *specs.Operation, e *specs.Entity, slot string) {
	switch {
	case p.In == openapi3.ParameterInPath && p.Name == c.idParam && slot == "upsert":
		setParam(out, p.Name, "{{ key }}")
	case p.In == openapi3.ParameterInPath && p.Name == c.idParam:
		setParam(out, p.Name, "{{ id }}")
	case !p.Required || g.suppliedByAuth(p) || slot == "list" && isPagingParam(p):
	case defaultOf(p) != "":
		setParam(out, p.Name, defaultOf(p))
		g.note(c.name, "%s: required parameter %s set to its default %q", slot, p.Name, defaultOf(p))
	default:
		placeholder := placeholderOf(p)
		setParam(out, p.Name, placeholder)
		g.todo(&e.Todo, c.name, "%s.params.%s: the %s parameter %q is required and nothing sends it; replace the placeholder %q with its value", slot, p.Name, p.In, p.Name, placeholder)
	}
}

// placeholderOf returns the constant init writes for a required
// parameter it cannot fill, so that the overlay validates and the todo
// note says what to set: the first value of its enum, 0 for a number,
// false for a boolean, else TODO.
func placeholderOf(p *openapi3.Parameter) string {
	s := value(p.Schema)
	if s != nil && len(s.Enum) > 0 {
		if text := fmt.Sprint(s.Enum[0]); text != "" && templateSafe.MatchString(text) {
			return text
		}
	}
	switch {
	case s != nil && s.Type.Includes("integer"), s != nil && s.Type.Includes("number"):
		return "0"
	case s != nil && s.Type.Includes("boolean"):
		return "false"
	}
	return "TODO"
}

// setParam sets a parameter template.
func setParam(o *specs.Operation, name, template string) {
	if o.Params == nil {
		o.Params = map[string]string{}
	}
	o.Params[name] = template
}

// isPagingParam reports whether p is one a paging style fills.
func isPagingParam(p *openapi3.Parameter) bool {
	f := flat(p.Name)
	for _, names := range [][]string{cursorParams, offsetParams, pageParams, sizeParams} {
		if slices.Contains(names, f) {
			return true
		}
	}
	return false
}

// suppliedByAuth reports whether p is a header the auth method sets
// (Authorization) or the parameter of an apiKey scheme.
func (g *generator) suppliedByAuth(p *openapi3.Parameter) bool {
	if p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, "Authorization") {
		return true
	}
	if g.doc.Components == nil {
		return false
	}
	for _, s := range g.doc.Components.SecuritySchemes {
		if s != nil && s.Value != nil && s.Value.Type == "apiKey" && s.Value.In == p.In && strings.EqualFold(s.Value.Name, p.Name) {
			return true
		}
	}
	return false
}

// templateSafe matches constant text that is no template syntax.
var templateSafe = regexp.MustCompile(`^[^{}%]*$`)

// defaultOf returns a parameter's default (or its only enum value) as
// template text, or "".
func defaultOf(p *openapi3.Parameter) string {
	s := value(p.Schema)
	if s == nil {
		return ""
	}
	v := s.Default
	if v == nil && len(s.Enum) == 1 {
		v = s.Enum[0]
	}
	if v == nil {
		return ""
	}
	text := fmt.Sprint(v)
	if !templateSafe.MatchString(text) {
		return ""
	}
	return text
}

// operationID returns o's operationId, or one the overlay gives it.
func (g *generator) operationID(c *collection, o *op, slot string) string {
	if o.op.OperationID != "" {
		return o.op.OperationID
	}
	id := slot + upperFirst(c.name)
	if slot == "list" {
		id = "list" + upperFirst(camel(lastSegment(c.path)))
	}
	for i := 2; g.taken[id]; i++ {
		id = fmt.Sprintf("%s%d", strings.TrimRight(id, "0123456789"), i)
	}
	g.taken[id] = true
	method := strings.ToLower(o.method)
	if g.opIDs[o.path] == nil {
		g.opIDs[o.path] = map[string]map[string]string{}
	}
	g.opIDs[o.path][method] = map[string]string{"operationId": id}
	g.note(c.name, "%s %s has no operationId; the overlay names it %s", o.method, o.path, id)
	return id
}

// paging sets the entity's pagination from its list operation.
func (g *generator) paging(c *collection, e *specs.Entity) {
	p := detectPaging(c.list.op, c.records)
	if p.pagination == nil {
		g.note(c.name, "no paging parameters found: the list reads one page (if the system pages, declare its parameters in the document; with --from-samples, capture a second page too)")
		return
	}
	e.Pagination = p.pagination
	g.note(c.name, "%s", p.note)
}
