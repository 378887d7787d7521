package samples

import (
	"net/http"
	"strconv"

	"github.com/specsync/specsync/internal/names"
)

// operationIDs names the operations: listUsers, createUser, getUser,
// updateUser (replaceUser for a PUT next to a PATCH), deleteUser; other
// operations, and the second of two with the same name, are named after
// their method and every literal of their path (postUsersActivate).
func operationIDs(ops []*operation) map[*operation]string {
	out := map[*operation]string{}
	used := map[string]bool{}
	hasPatch := map[string]bool{}
	for _, op := range ops {
		if op.method == http.MethodPatch {
			hasPatch[op.route.path] = true
		}
	}
	collections := collectionPaths(ops)
	for _, op := range ops {
		id := conventionalID(op, hasPatch[op.route.path], collections[op.route.path])
		if id == "" || used[id] {
			id = pathID(op)
		}
		base := id
		for n := 2; used[id]; n++ {
			id = base + strconv.Itoa(n)
		}
		used[id] = true
		out[op] = id
	}
	return out
}

// conventionalID is the CRUD name of an operation on a collection or one
// of its items, or "".
func conventionalID(op *operation, hasPatch, collection bool) string {
	name, item := op.route.collection()
	if name == "" || !item && !collection {
		return ""
	}
	entity := pascal(singularWords(name))
	switch {
	case !item && op.method == http.MethodGet:
		return "list" + pascal(names.Words(name))
	case !item && op.method == http.MethodPost:
		return "create" + entity
	case item && op.method == http.MethodGet:
		return "get" + entity
	case item && op.method == http.MethodPut && hasPatch:
		return "replace" + entity
	case item && (op.method == http.MethodPut || op.method == http.MethodPatch):
		return "update" + entity
	case item && op.method == http.MethodDelete:
		return "delete" + entity
	}
	return ""
}

// pathID names an operation after its method and the literals of its
// path.
func pathID(op *operation) string {
	ws := names.Words(op.method)
	for _, seg := range op.route.segments {
		ws = append(ws, names.Words(seg.literal)...)
	}
	return camel(ws)
}
