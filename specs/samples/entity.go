package samples

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/names"
)

// listWrappers are the member names under which APIs wrap the items of a
// list or the object of a single answer.
var listWrappers = []string{"data", "items", "results", "records", "content", "values", "entries", "elements", "list", "rows", "hits"}

var itemWrappers = []string{"data", "item", "result", "record", "object"}

// entities finds the objects the collections hold and makes each one
// component schema: the items of a list answer (bare or wrapped in an
// object), and the object a get, create, replace or update answers (bare
// or wrapped). The places found are marked with the component's name, so
// that their schemas refer to it. Collections with the same name share
// one component.
func entities(ops []*operation) map[string]*shape {
	out := map[string]*shape{}
	collections := collectionPaths(ops)
	for _, op := range ops {
		name, item := op.route.collection()
		sh := op.successShape()
		if name == "" || sh == nil {
			continue
		}
		var node *shape
		switch {
		case !item && op.method == http.MethodGet:
			node = listItems(sh, name)
		case !item && op.method == http.MethodPost && collections[op.route.path],
			item && op.method != http.MethodDelete && op.method != http.MethodPost:
			node = single(sh, name)
		}
		if node == nil || !node.onlyObjects() {
			continue
		}
		entity := pascal(singularWords(name))
		if out[entity] == nil {
			out[entity] = &shape{}
		}
		out[entity].merge(node)
		node.ref = entity
	}
	return out
}

// collectionPaths returns the paths of the collections: those whose GET
// answers a list of objects, and those with items (/users when
// /users/{userId} was seen).
func collectionPaths(ops []*operation) map[string]bool {
	out := map[string]bool{}
	for _, op := range ops {
		name, item := op.route.collection()
		switch {
		case item:
			out[parentPath(op.route.path)] = true
		case op.method == http.MethodGet && op.successShape() != nil && listItems(op.successShape(), name) != nil:
			out[op.route.path] = true
		}
	}
	return out
}

// parentPath is the path without its last segment.
func parentPath(p string) string {
	return p[:strings.LastIndexByte(p, '/')]
}

// listItems returns the shape of the items of a list answer: a bare array
// of objects, or the one member of an object that is an array of objects
// (with several, the one with a usual wrapper's name or the collection's).
func listItems(sh *shape, collection string) *shape {
	if sh.onlyArrays() {
		return sh.items
	}
	if !sh.onlyObjects() {
		return nil
	}
	var candidates []string
	for _, k := range slices.Sorted(maps.Keys(sh.members)) {
		if m := sh.members[k]; m.onlyArrays() && m.items.onlyObjects() {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 1 {
		return sh.members[candidates[0]].items
	}
	for _, k := range candidates {
		if slices.Contains(listWrappers, strings.ToLower(k)) || strings.EqualFold(k, collection) || camel(names.Words(collection)) == k {
			return sh.members[k].items
		}
	}
	return nil
}

// single returns the shape of the object of a single answer: the answer,
// or the object it wraps under "data" (or a usual wrapper's name, or the
// entity's) next to at most two other members.
func single(sh *shape, collection string) *shape {
	if !sh.onlyObjects() {
		return nil
	}
	if len(sh.members) <= 3 {
		for _, k := range slices.Sorted(maps.Keys(sh.members)) {
			if m := sh.members[k]; m.onlyObjects() && (slices.Contains(itemWrappers, strings.ToLower(k)) || k == camel(singularWords(collection))) {
				return m
			}
		}
	}
	return sh
}
