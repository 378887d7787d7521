package specs

import (
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// namedValue is a configured name and the pointer it is written at.
type namedValue struct{ name, key string }

// checkPaging checks the pagination that applies to e's list: e's own, or
// the spec default.
func (c *specCheck) checkPaging(name string, e *Entity) {
	pg, p := e.Pagination, jsonptr.Join(entityPointer(name), "pagination")
	if pg == nil {
		pg, p = c.spec.Sync.Pagination, "/x-sync/pagination"
	}
	ref := c.listRef(e)
	if pg == nil || ref == nil {
		return
	}
	for _, v := range pagingParams(pg) {
		c.checkListParam(e.List, ref, v.name, p+"/"+v.key)
	}
	schema := responseSchema(ref.Operation)
	for _, v := range pagingPaths(pg) {
		c.checkResponsePath(schema, v.name, p+"/"+v.key, ref)
	}
}

// listRef returns the list operation of e when it exists.
func (c *specCheck) listRef(e *Entity) *OperationRef {
	if e.List == nil {
		return nil
	}
	ref, _ := c.spec.Operation(e.List.Operation)
	return ref
}

// pagingParams lists the request parameters a pagination fills, with the
// keys they are written at.
func pagingParams(pg *Pagination) []namedValue {
	var out []namedValue
	add := func(style, key, name string) {
		if name != "" {
			out = append(out, namedValue{name, style + "/" + key})
		}
	}
	if s := pg.Page; s != nil {
		add("page", "param", s.Param)
		add("page", "sizeParam", s.SizeParam)
	}
	if s := pg.Offset; s != nil {
		add("offset", "param", s.Param)
		add("offset", "limitParam", s.LimitParam)
	}
	if s := pg.Cursor; s != nil {
		add("cursor", "param", s.Param)
		add("cursor", "sizeParam", s.SizeParam)
	}
	if s := pg.NextLink; s != nil {
		add("nextLink", "sizeParam", s.SizeParam)
	}
	if s := pg.LinkHeader; s != nil {
		add("linkHeader", "sizeParam", s.SizeParam)
	}
	if s := pg.Connection; s != nil {
		add("connection", "after", s.After)
		add("connection", "first", s.First)
	}
	return out
}

// pagingPaths lists the response paths a pagination reads.
func pagingPaths(pg *Pagination) []namedValue {
	var out []namedValue
	add := func(key, path string) {
		if path != "" {
			out = append(out, namedValue{path, key})
		}
	}
	if pg.Cursor != nil {
		add("cursor/next", pg.Cursor.Next)
	}
	if pg.NextLink != nil {
		add("nextLink/path", pg.NextLink.Path)
	}
	if pg.Connection != nil {
		add("connection/pageInfo", pg.Connection.PageInfo)
	}
	if pg.Stop != nil {
		add("stop/total", pg.Stop.Total)
		add("stop/hasMore", pg.Stop.HasMore)
	}
	return out
}

// checkListParam checks a parameter that paging or the incremental filter
// fills: a parameter of the list operation or, when the list is a GraphQL
// query, a dotted variable path whose first segment the query declares.
func (c *specCheck) checkListParam(list *Operation, ref *OperationRef, name, p string) {
	if list.GraphQL != "" {
		root, _, _ := strings.Cut(name, ".")
		if declared, ok := graphqlVariables(list.GraphQL); ok && !declared[root] {
			c.r.errorHint(CodeUnknownParameter, p, "declare it in the list query, such as query($"+root+": ...)",
				"the list query of %s declares no variable $%s", list.Operation, root)
		}
		return
	}
	params := operationParams(ref)
	if params[name] == nil {
		c.r.errorHint(CodeUnknownParameter, p, didYouMean(name, keysOf(params), "parameters of "+ref.ID),
			"operation %q has no parameter %q", ref.ID, name)
	}
}

// checkIncremental checks the incremental filter's parameter and field.
func (c *specCheck) checkIncremental(name string, e *Entity) {
	inc, ref := e.Incremental, c.listRef(e)
	if inc == nil || ref == nil {
		return
	}
	p := jsonptr.Join(entityPointer(name), "incremental")
	if inc.Param != "" {
		c.checkListParam(e.List, ref, inc.Param, jsonptr.Join(p, "param"))
	}
	if rec := recordSchema(ref, e.List); rec != nil && inc.Field != "" {
		c.checkResponsePath(rec, inc.Field, jsonptr.Join(p, "field"), ref)
	}
}
