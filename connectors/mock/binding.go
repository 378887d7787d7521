package mock

import (
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/specsync/specsync/specs"
)

// action is what an x-sync operation does to an entity.
type action string

const (
	actList   action = "list"
	actGet    action = "get"
	actLookup action = "lookup"
	actCreate action = "create"
	actUpdate action = "update"
	actUpsert action = "upsert"
	actDelete action = "delete"
)

// rank orders actions bound to the same operation: the more general one
// serves it (an operation used as update and upsert is served as upsert).
func (a action) rank() int {
	return slices.Index([]action{actUpsert, actUpdate, actCreate, actDelete, actList, actGet, actLookup}, a)
}

// opRef is an operation of the OpenAPI document.
type opRef struct {
	id         string
	method     string
	path       string   // the path template
	pathParams []string // names of the template's parameters, in order
	op         *openapi3.Operation
	route      *routers.Route // for request validation
}

// lastParam is the value of the last path parameter: the id of the record
// the operation addresses.
func (o *opRef) lastParam(values map[string]string) string {
	if len(o.pathParams) == 0 {
		return ""
	}
	return values[o.pathParams[len(o.pathParams)-1]]
}

// binding ties one x-sync operation of an entity to its collection.
type binding struct {
	entity string
	ent    *specs.Entity
	action action
	op     *specs.Operation
	ref    *opRef // the HTTP operation; for GraphQL the envelope operation
	coll   *collection
	paging *paging
	// input is the schema of the GraphQL input variable (nil: not checked).
	input *openapi3.Schema
	// field is the response key of the GraphQL document's first field.
	field string
	// filters are the list's query parameters that name a record field.
	filters []string
}

// name is the operation's name in statistics and logs ("tenant.create").
func (b *binding) name() string { return b.entity + "." + string(b.action) }

// idField is the last segment of the path holding the record's id.
func (b *binding) idField() string {
	if b.ent.ID != "" {
		return lastSegment(b.ent.ID)
	}
	return lastSegment(b.ent.Key)
}

// catalog is everything derived from the spec once, at New.
type catalog struct {
	ops      map[string]*opRef
	rest     map[string][]*binding // by operationId, most general first
	graphql  map[string]*binding   // by normalised document
	entities map[string]*entityInfo
}

// entityInfo is what Seed and Records need about an entity.
type entityInfo struct {
	ent  *specs.Entity
	coll *collection
	// scope keeps the records of this entity in a shared collection: the
	// constant parameters of its list operation that name record fields.
	scope listQuery
}

// entityOps lists an entity's declared operations.
func entityOps(e *specs.Entity) []struct {
	act action
	op  *specs.Operation
} {
	all := []struct {
		act action
		op  *specs.Operation
	}{{actList, e.List}, {actGet, e.Get}, {actLookup, e.Lookup}, {actCreate, e.Create},
		{actUpdate, e.Update}, {actUpsert, e.Upsert}, {actDelete, e.Delete}}
	return slices.DeleteFunc(all, func(x struct {
		act action
		op  *specs.Operation
	}) bool {
		return x.op == nil
	})
}

// newCatalog binds every entity operation of the spec.
func newCatalog(spec *specs.Spec, log *slog.Logger) (*catalog, error) {
	cat := &catalog{ops: indexOps(spec.Doc), rest: map[string][]*binding{},
		graphql: map[string]*binding{}, entities: map[string]*entityInfo{}}
	names := slices.Sorted(maps.Keys(spec.Sync.Entities))
	var all []*binding
	for _, name := range names {
		bs, err := cat.bindEntity(spec, name)
		if err != nil {
			return nil, err
		}
		all = append(all, bs...)
	}
	cat.assignCollections(names, all, spec.Sync.Entities, log)
	for _, b := range all {
		cat.index(b)
	}
	return cat, nil
}

// bindEntity makes the bindings of one entity (collections come later).
func (cat *catalog) bindEntity(spec *specs.Spec, name string) ([]*binding, error) {
	ent := spec.Sync.Entities[name]
	if ent == nil {
		return nil, fmt.Errorf("x-sync entity %q is null; give it a model, a key and operations", name)
	}
	pg, err := newPaging(firstPaging(ent.Pagination, spec.Sync.Pagination))
	if err != nil {
		return nil, fmt.Errorf("x-sync entity %q: %w", name, err)
	}
	var out []*binding
	for _, x := range entityOps(ent) {
		b := &binding{entity: name, ent: ent, action: x.act, op: x.op, paging: pg}
		if err := cat.resolve(spec, b); err != nil {
			return nil, fmt.Errorf("x-sync entity %q %s: %w", name, x.act, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// resolve finds the HTTP operation of b and, for GraphQL, its input schema.
func (cat *catalog) resolve(spec *specs.Spec, b *binding) error {
	id := b.op.Operation
	if b.op.GraphQL != "" {
		if spec.Sync.GraphQL == nil {
			return fmt.Errorf("operation has a graphql document but x-sync has no graphql endpoint; add x-sync.graphql.operation")
		}
		id = spec.Sync.GraphQL.Operation
	}
	b.ref = cat.ops[id]
	if b.ref == nil {
		return fmt.Errorf("operationId %q is not in paths; add it or fix the name", id)
	}
	if b.op.GraphQL == "" {
		b.filters = listFilters(b)
		return nil
	}
	b.field = firstField(normalizeGraphQL(b.op.GraphQL))
	if b.op.Input == "" {
		return nil
	}
	s, err := schemaAtPointer(spec.Doc, b.op.Input)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	b.input = s
	return nil
}

// collectionKey names the resource an operation works on: its path without
// trailing parameters (/contacts/{id} -> /contacts), or its GraphQL document.
func (b *binding) collectionKey() string {
	if b.op.GraphQL != "" {
		return "graphql " + normalizeGraphQL(b.op.GraphQL)
	}
	segs := strings.Split(b.ref.path, "/")
	for len(segs) > 1 && strings.HasPrefix(segs[len(segs)-1], "{") {
		segs = segs[:len(segs)-1]
	}
	return "path " + strings.Join(segs, "/")
}

// assignCollections groups entities that share a resource into one
// collection and gives every binding its collection.
func (cat *catalog) assignCollections(names []string, all []*binding, ents map[string]*specs.Entity, log *slog.Logger) {
	parent := map[string]string{}
	var root func(string) string
	root = func(n string) string {
		if p, ok := parent[n]; ok && p != n {
			return root(p)
		}
		return n
	}
	owner := map[string]string{}
	for _, b := range all {
		k := b.collectionKey()
		if o, ok := owner[k]; ok {
			parent[root(b.entity)] = root(o)
		} else {
			owner[k] = b.entity
		}
	}
	groups := map[string][]string{}
	for _, n := range names {
		groups[root(n)] = append(groups[root(n)], n)
	}
	for _, members := range groups {
		c := groupCollection(members, ents, all, log)
		for _, n := range members {
			cat.entities[n] = &entityInfo{ent: ents[n], coll: c}
		}
	}
	for _, b := range all {
		b.coll = cat.entities[b.entity].coll
	}
}

// groupCollection makes the collection of entities sharing a resource; the
// first entity's key and id paths index it.
func groupCollection(members []string, ents map[string]*specs.Entity, all []*binding, log *slog.Logger) *collection {
	first := ents[members[0]]
	for _, n := range members[1:] {
		if e := ents[n]; e.Key != first.Key || e.ID != first.ID {
			log.Warn("entities share a resource but not their key or id paths; the first one's index the records",
				"entities", members, "key", first.Key, "id", first.ID)
			break
		}
	}
	c := newCollection(strings.Join(members, "+"), first.ID, first.Key)
	c.intIDs = first.ID != "" && integerID(members[0], first.ID, all)
	return c
}

// integerID reports whether the entity's id field is an integer in the
// schemas of its REST operations (casavi ids are numbers).
func integerID(entity, idPath string, all []*binding) bool {
	for _, b := range all {
		if b.entity != entity || b.op.GraphQL != "" {
			continue
		}
		for _, s := range []*openapi3.Schema{successSchema(b.ref.op), requestSchema(b.ref.op)} {
			if p := propertyAt(s, idPath); p != nil && p.Type.Is("integer") {
				return true
			}
		}
	}
	return false
}

// propertyAt follows a dotted path through a schema's properties.
func propertyAt(s *openapi3.Schema, path string) *openapi3.Schema {
	for part := range strings.SplitSeq(path, ".") {
		if s = properties(s)[part]; s == nil {
			return nil
		}
	}
	return s
}

// requestSchema is the JSON schema of an operation's request body.
func requestSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	return nil
}

// index files b under its operation or GraphQL document.
func (cat *catalog) index(b *binding) {
	if b.op.GraphQL != "" {
		doc := normalizeGraphQL(b.op.GraphQL)
		if _, taken := cat.graphql[doc]; !taken {
			cat.graphql[doc] = b
		}
		return
	}
	bs := append(cat.rest[b.ref.id], b)
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].action.rank() < bs[j].action.rank() })
	cat.rest[b.ref.id] = bs
	if b.action == actList {
		cat.entities[b.entity].scope = entityScope(b)
	}
}

// entityScope is the filter made of the constant list parameters of b that
// name record fields (casavi: type=TENANT).
func entityScope(b *binding) listQuery {
	var q listQuery
	for _, name := range b.filters {
		if v, ok := b.op.Params[name]; ok && !strings.Contains(v, "{{") && !strings.Contains(v, "{%") {
			q.equal = append(q.equal, fieldEq{path: name, value: v})
		}
	}
	return q
}

// indexOps maps operationIds to their operations.
func indexOps(doc *openapi3.T) map[string]*opRef {
	out := map[string]*opRef{}
	if doc == nil || doc.Paths == nil {
		return out
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op == nil || op.OperationID == "" {
				continue
			}
			out[op.OperationID] = &opRef{id: op.OperationID, method: strings.ToUpper(method), path: path,
				pathParams: templateParams(path), op: op,
				route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: strings.ToUpper(method), Operation: op}}
		}
	}
	return out
}

// templateParams lists the {names} of a path template in order.
func templateParams(path string) []string {
	var out []string
	for seg := range strings.SplitSeq(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

// listFilters returns the query parameters of a list operation that name a
// property of the listed records, leaving out paging and incremental ones.
func listFilters(b *binding) []string {
	if b.action != actList {
		return nil
	}
	props := recordProperties(b.ref.op, b.op.Records)
	skip := pagingParams(b.paging)
	if b.ent.Incremental != nil {
		skip[b.ent.Incremental.Param] = true
	}
	var out []string
	for _, p := range append(b.ref.route.PathItem.Parameters, b.ref.op.Parameters...) {
		if v := p.Value; v != nil && v.In == openapi3.ParameterInQuery && props[v.Name] && !skip[v.Name] {
			out = append(out, v.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// recordProperties returns the properties of the items of the array found
// at the dotted path in the operation's JSON success response.
func recordProperties(op *openapi3.Operation, path string) map[string]bool {
	s := successSchema(op)
	if path != "" {
		s = propertyAt(s, path)
	}
	if s == nil || s.Items == nil || s.Items.Value == nil {
		return nil
	}
	out := map[string]bool{}
	for name := range properties(s.Items.Value) {
		out[name] = true
	}
	return out
}

// properties returns a schema's properties, those of its allOf parts
// included.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	if s == nil {
		return out
	}
	for _, part := range s.AllOf {
		if part != nil {
			maps.Copy(out, properties(part.Value))
		}
	}
	for name, ref := range s.Properties {
		if ref != nil && ref.Value != nil {
			out[name] = ref.Value
		}
	}
	return out
}

// successSchema is the JSON schema of the first declared 2xx response.
func successSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.Responses == nil {
		return nil
	}
	for _, code := range []int{http.StatusOK, http.StatusCreated, http.StatusAccepted} {
		r := op.Responses.Status(code)
		if r == nil || r.Value == nil {
			continue
		}
		if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			return mt.Schema.Value
		}
	}
	return nil
}

// successStatus is the status a handler answers with: preferred when the
// operation declares it, else its lowest declared 2xx status.
func successStatus(op *openapi3.Operation, preferred int) int {
	if op.Responses == nil || op.Responses.Status(preferred) != nil {
		return preferred
	}
	for code := 200; code < 300; code++ {
		if op.Responses.Status(code) != nil {
			return code
		}
	}
	return preferred
}

// schemaAtPointer resolves "#/components/schemas/Name" in doc.
func schemaAtPointer(doc *openapi3.T, ptr string) (*openapi3.Schema, error) {
	name, ok := strings.CutPrefix(ptr, "#/components/schemas/")
	if !ok || strings.Contains(name, "/") {
		return nil, fmt.Errorf("%q: the mock resolves only #/components/schemas/NAME pointers", ptr)
	}
	if doc.Components == nil || doc.Components.Schemas[name] == nil || doc.Components.Schemas[name].Value == nil {
		return nil, fmt.Errorf("%q does not resolve; define the schema in components.schemas", ptr)
	}
	return doc.Components.Schemas[name].Value, nil
}

func firstPaging(ps ...*specs.Pagination) *specs.Pagination {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}
