package specs

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/transforms"
)

// Operation returns the operation of the document whose operationId is id.
func (s *Spec) Operation(id string) (*OperationRef, bool) {
	op, ok := s.operationIndex()[id]
	return op, ok
}

// operationIDs returns the document's operationIds, sorted.
func (s *Spec) operationIDs() []string {
	return slices.Sorted(maps.Keys(s.operationIndex()))
}

// operationIndex returns the operations by operationId: the index built
// at load, or a fresh one for a Spec made another way.
func (s *Spec) operationIndex() map[string]*OperationRef {
	if s.operations != nil {
		return s.operations
	}
	return indexOperations(s.Doc)
}

// indexOperations maps operationIds to their operations. When an id is
// used twice (kin-openapi reports that), the first by path and method wins.
func indexOperations(doc *openapi3.T) map[string]*OperationRef {
	out := map[string]*OperationRef{}
	if doc == nil || doc.Paths == nil {
		return out
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
			op := item.Operations()[method]
			if _, dup := out[op.OperationID]; op.OperationID == "" || dup {
				continue
			}
			out[op.OperationID] = &OperationRef{ID: op.OperationID, Method: strings.ToUpper(method), Path: path, Operation: op, PathItem: item}
		}
	}
	return out
}

// Entity returns the entity of x-sync with the given name.
func (s *Spec) Entity(name string) (*Entity, bool) {
	if s.Sync == nil {
		return nil, false
	}
	e, ok := s.Sync.Entities[name]
	return e, ok && e != nil
}

// Order returns this spec's entity names in the model's dependency order:
// an entity comes after those its model entity references. Entities of the
// same model entity, and entities whose model entity is unknown (last),
// are ordered by name.
func (s *Spec) Order(model *Model) []string {
	rank := map[string]int{}
	if model != nil {
		for i, name := range model.Order {
			rank[name] = i
		}
	}
	pos := func(name string) int {
		if e := s.Sync.Entities[name]; e != nil {
			if r, ok := rank[e.Model]; ok {
				return r
			}
		}
		return len(rank)
	}
	names := slices.Sorted(maps.Keys(s.Sync.Entities))
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(pos(a), pos(b)) })
	return names
}

// WriteSchema returns the schema a write mapping targets when sent with
// op: the schema op.Input points at, else the JSON request body schema of
// op's operation. It is nil when there is none (a GraphQL operation
// without input, an unknown operation or pointer).
func (s *Spec) WriteSchema(op *Operation) *openapi3.Schema {
	if op == nil {
		return nil
	}
	if op.Input != "" {
		return schemaAt(s.Doc, op.Input)
	}
	ref, ok := s.Operation(op.Operation)
	if !ok {
		return nil
	}
	return requestSchema(ref.Operation)
}

// WriteBranch returns the part of the schema op sends that one record of
// entity e's write mapping must satisfy: a body composed with oneOf or
// anyOf (`oneOf: [array of Item, Item]`) is narrowed to the branch that
// describes one record and fits the mapping's fields best (see
// transforms.RecordSchema). An input pointer names the schema outright.
func (s *Spec) WriteBranch(e *Entity, op *Operation) transforms.Branch {
	return transforms.RecordSchema(s.WriteSchema(op), e.Write)
}

// requestSchema returns the JSON request body schema of op, or nil.
func requestSchema(op *openapi3.Operation) *openapi3.Schema {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	return jsonSchema(op.RequestBody.Value.Content)
}

// successStatuses are the responses whose schema describes a result, in
// order of preference.
var successStatuses = []string{"200", "201", "202", "203", "206", "2XX", "default"}

// responseSchema returns the JSON schema of op's success response, or nil.
func responseSchema(op *openapi3.Operation) *openapi3.Schema {
	if op == nil || op.Responses == nil {
		return nil
	}
	for _, status := range successStatuses {
		if r := op.Responses.Value(status); r != nil && r.Value != nil {
			if s := jsonSchema(r.Value.Content); s != nil {
				return s
			}
		}
	}
	return nil
}

// jsonSchema returns the schema of the JSON media type of content:
// application/json first, then any other JSON type by name.
func jsonSchema(content openapi3.Content) *openapi3.Schema {
	_, s := jsonMedia(content)
	return s
}

// jsonMedia returns the JSON media type of content, as jsonSchema picks
// it, and its schema; "" and nil when there is none.
func jsonMedia(content openapi3.Content) (string, *openapi3.Schema) {
	if mt := content.Get("application/json"); mt != nil && mt.Schema != nil {
		return "application/json", mt.Schema.Value
	}
	for _, name := range slices.Sorted(maps.Keys(content)) {
		if mt := content[name]; strings.Contains(name, "json") && mt != nil && mt.Schema != nil {
			return name, mt.Schema.Value
		}
	}
	return "", nil
}

// writeSchemaPointer returns the JSON pointer of the schema WriteSchema
// returns for op: its input, else its request body's; "" when unknown.
func (s *Spec) writeSchemaPointer(op *Operation) string {
	if op.Input != "" {
		return op.Input
	}
	ref, ok := s.Operation(op.Operation)
	if !ok || ref.Operation.RequestBody == nil || ref.Operation.RequestBody.Value == nil {
		return ""
	}
	media, _ := jsonMedia(ref.Operation.RequestBody.Value.Content)
	if media == "" {
		return ""
	}
	return "#" + jsonptr.Join("/paths", ref.Path, strings.ToLower(ref.Method), "requestBody", "content", media, "schema")
}
