package specs

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// docScope is the part of an OpenAPI 3 document an x-sync uses: the
// operations it names, what they reach through $refs (parameters, bodies,
// responses, schemas), the security schemes they require and the root
// members every request needs. A fault of the vendor's document is an
// error only inside it.
type docScope struct {
	// used holds the JSON pointers of the used nodes; everything under one
	// is used too.
	used map[string]bool
}

// rootMembers are the members of the document root every request needs.
var rootMembers = []string{"/openapi", "/info", "/servers", "/security", "/jsonSchemaDialect"}

// newDocScope computes the scope of the operations named by ops (their
// operationIds) and of the input schemas the entities name.
func newDocScope(spec *Spec, ops []string) *docScope {
	sc := &docScope{used: map[string]bool{}}
	for _, p := range rootMembers {
		sc.used[p] = true
	}
	w := &docWalk{follow: true, ref: func(p string) { sc.used[p] = true }}
	for _, id := range ops {
		ref, ok := spec.Operation(id)
		if !ok {
			continue
		}
		p := jsonptr.Join("/paths", ref.Path)
		method := strings.ToLower(ref.Method)
		for _, member := range []string{method, "parameters", "servers"} {
			sc.used[jsonptr.Join(p, member)] = true
		}
		w.parameters(jsonptr.Join(p, "parameters"), ref.PathItem.Parameters)
		w.operation(jsonptr.Join(p, method), ref.Operation)
		sc.useSecurity(spec.Doc, ref.Operation)
	}
	for _, in := range syncInputs(spec.Sync) {
		if s := schemaAt(spec.Doc, in); s != nil {
			p := strings.TrimPrefix(in, "#")
			sc.used[p] = true
			w.schemaRef(p, &openapi3.SchemaRef{Value: s})
		}
	}
	return sc
}

// useSecurity marks the security schemes op requires (the document's
// when op declares none).
func (sc *docScope) useSecurity(doc *openapi3.T, op *openapi3.Operation) {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	for _, req := range reqs {
		for _, name := range slices.Sorted(maps.Keys(req)) {
			sc.used[jsonptr.Join("/components/securitySchemes", name)] = true
		}
	}
}

// covers reports whether the node at p is used: p is under a used node,
// or p holds one (a fault of a whole section touches what it holds).
func (sc *docScope) covers(p string) bool {
	for q := p; ; q = parentPointer(q) {
		if sc.used[q] {
			return true
		}
		if q == "" {
			break
		}
	}
	for u := range sc.used {
		if strings.HasPrefix(u, p+"/") {
			return true
		}
	}
	return false
}

// syncInputs lists the input schemas the entities name.
func syncInputs(s *Sync) []string {
	var inputs []string
	for _, name := range slices.Sorted(maps.Keys(s.Entities)) {
		if e := s.Entities[name]; e != nil {
			for _, sl := range e.slots() {
				if sl.op.Input != "" {
					inputs = append(inputs, sl.op.Input)
				}
			}
		}
	}
	return inputs
}
