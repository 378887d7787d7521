package specs

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// checkResponsePaths checks the records and result paths of an operation
// against its success response schema.
func (c *specCheck) checkResponsePaths(s slot, ref *OperationRef, p string) {
	schema := responseSchema(ref.Operation)
	c.checkResponsePath(schema, s.op.Records, jsonptr.Join(p, "records"), ref)
	c.checkResponsePath(schema, s.op.Result, jsonptr.Join(p, "result"), ref)
}

// checkResponsePath reports a dotted path that the response schema of ref
// does not have. Responses without a schema, and paths that leave the
// described part of a schema, are not checked.
func (c *specCheck) checkResponsePath(schema *openapi3.Schema, path, p string, ref *OperationRef) {
	if schema == nil || path == "" {
		return
	}
	l := lookupPath(schema, path)
	if l.missing == "" {
		return
	}
	c.r.errorHint(CodeUnknownResponseField, p, didYouMean(l.missing, propertyNames(l.parent), "fields there"),
		"path %q: the response of %s has no field %q there", path, ref.ID, l.missing)
}

// recordSchema returns the schema of one record of a list operation: the
// items at its records path (all of them, when composed schemas declare
// the path more than once). It is nil when unknown.
func recordSchema(ref *OperationRef, op *Operation) *openapi3.Schema {
	l := lookupPath(responseSchema(ref.Operation), op.Records)
	items := make([]*openapi3.Schema, 0, len(l.schemas))
	for _, s := range l.schemas {
		if s != nil {
			items = append(items, skipArrays(s))
		}
	}
	return union(items)
}
