package scaffold

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// collection is a candidate entity: a path whose GET lists objects, with
// the operations on the collection and on its members.
type collection struct {
	name     string // entity name: the singular of the path's last segment
	path     string // "/pets"
	itemPath string // "/pets/{petId}"; empty without member operations
	idParam  string // the member path's parameter ("petId")
	records  string // dotted path of the array in the list response
	item     *openapi3.Schema
	list     *op
	get      *op
	create   *op
	update   *op // PATCH on the member, else PUT
	delete   *op
}

// op is an operation of the document with where it sits.
type op struct {
	method string
	path   string
	op     *openapi3.Operation
	// params are the operation's parameters with those of its path item
	// that it does not override.
	params []*openapi3.Parameter
}

// wrapperNames are the members that usually hold the records of a list
// response, in the order they are tried.
var wrapperNames = []string{"data", "items", "results", "records", "content", "value", "values", "entries", "elements", "list", "rows", "hits"}

// findCollections returns the candidate entities of doc in path order, and
// the paths that list objects but were passed over, each with why.
func findCollections(doc *openapi3.T) ([]*collection, []Note) {
	var out []*collection
	var notes []Note
	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item := paths[path]
		if item == nil || item.Get == nil || lastIsParam(path) {
			continue
		}
		records, schema, ok := listedObjects(item.Get, lastSegment(path))
		if !ok {
			continue
		}
		if hasParam(path) {
			notes = append(notes, Note{Kind: NoteFound, Text: "skipped " + path + ": it lists the members of another record (a path parameter); add it by hand with the parent's key in params"})
			continue
		}
		c := &collection{path: path, records: records, item: schema, list: opOf("GET", path, item, item.Get)}
		c.create = opOf("POST", path, item, item.Post)
		c.addMember(paths)
		out = append(out, c)
	}
	nameCollections(out)
	return out, notes
}

// addMember finds the member path (the collection path and one parameter)
// and its operations.
func (c *collection) addMember(paths map[string]*openapi3.PathItem) {
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		rest, ok := strings.CutPrefix(path, c.path+"/")
		if !ok || strings.Contains(rest, "/") || !isParam(rest) {
			continue
		}
		item := paths[path]
		c.itemPath, c.idParam = path, strings.Trim(rest, "{}")
		c.get = opOf("GET", path, item, item.Get)
		c.delete = opOf("DELETE", path, item, item.Delete)
		c.update = opOf("PATCH", path, item, item.Patch)
		if c.update == nil {
			c.update = opOf("PUT", path, item, item.Put)
		}
		return
	}
}

// opOf wraps o of item, or returns nil for none.
func opOf(method, path string, item *openapi3.PathItem, o *openapi3.Operation) *op {
	if o == nil {
		return nil
	}
	out := &op{method: method, path: path, op: o}
	for _, ref := range o.Parameters {
		if ref != nil && ref.Value != nil {
			out.params = append(out.params, ref.Value)
		}
	}
	for _, ref := range item.Parameters {
		if ref != nil && ref.Value != nil && o.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) == nil {
			out.params = append(out.params, ref.Value)
		}
	}
	return out
}

// listedObjects finds the array of objects a list operation returns: the
// body itself, or a member of it (data, items, results, the collection's
// name, or the only array of objects), one or two levels deep.
func listedObjects(o *openapi3.Operation, segment string) (string, *openapi3.Schema, bool) {
	body := responseSchema(o)
	if items, ok := isArray(body); ok && isObject(items) {
		return "", items, true
	}
	return wrappedArray(body, segment, 0)
}

// wrappedArray looks for the record array among the members of s.
func wrappedArray(s *openapi3.Schema, segment string, depth int) (string, *openapi3.Schema, bool) {
	props := properties(s, 0)
	if len(props) == 0 || depth > 1 {
		return "", nil, false
	}
	var arrays []string
	for _, name := range slices.Sorted(maps.Keys(props)) {
		if items, ok := isArray(props[name]); ok && isObject(items) {
			arrays = append(arrays, name)
		}
	}
	if name := preferredArray(arrays, segment); name != "" {
		items, _ := isArray(props[name])
		return name, items, true
	}
	for _, name := range wrapperNames {
		if p, ok := props[name]; ok {
			if inner, items, ok := wrappedArray(p, segment, depth+1); ok {
				return name + "." + inner, items, true
			}
		}
	}
	return "", nil, false
}

// preferredArray picks the record array among the array members of a
// response: a wrapper name or the collection's name, else the only one.
func preferredArray(arrays []string, segment string) string {
	for _, want := range append([]string{segment, lowerFirst(camel(segment))}, wrapperNames...) {
		if slices.Contains(arrays, want) {
			return want
		}
	}
	if len(arrays) == 1 {
		return arrays[0]
	}
	return ""
}

// lastSegment returns the last segment of a path.
func lastSegment(path string) string {
	return path[strings.LastIndex(path, "/")+1:]
}

// isParam reports whether a path segment is a parameter ("{id}").
func isParam(segment string) bool {
	return strings.HasPrefix(segment, "{") && strings.HasSuffix(segment, "}")
}

// lastIsParam reports whether the path ends in a parameter.
func lastIsParam(path string) bool { return isParam(lastSegment(path)) }

// hasParam reports whether any segment of the path is a parameter.
func hasParam(path string) bool { return strings.Contains(path, "{") }
