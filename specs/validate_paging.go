package specs

import (
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// checkPaging checks the pagination that applies to e's list, e's own or
// the spec default: the style's config, by the style's own checks against
// the list operation, and the shared stop rules' response paths.
func (c *specCheck) checkPaging(name string, e *Entity) {
	pg, p := e.Pagination, jsonptr.Join(entityPointer(name), "pagination")
	if pg == nil {
		pg, p = c.spec.Sync.Pagination, "/x-sync/pagination"
	}
	if pg == nil {
		return
	}
	cfg, known := c.decodePlugin(PluginPagination, pg.Type, pg.Config, p)
	if known {
		pg.Settings = cfg
	}
	ref := c.listRef(e)
	if ref == nil {
		return
	}
	if known {
		c.checkPlugin(cfg, &PluginCheck{c: c, pointer: p, list: e.List, ref: ref})
	}
	if pg.Stop != nil {
		schema := responseSchema(ref.Operation)
		c.checkResponsePath(schema, pg.Stop.Total, p+"/stop/total", ref)
		c.checkResponsePath(schema, pg.Stop.HasMore, p+"/stop/hasMore", ref)
	}
}

// checkDefaultPaging decodes the spec's default pagination, also when no
// entity lists with it.
func (c *specCheck) checkDefaultPaging() {
	if pg := c.spec.Sync.Pagination; pg != nil {
		if cfg, known := c.decodePlugin(PluginPagination, pg.Type, pg.Config, "/x-sync/pagination"); known {
			pg.Settings = cfg
		}
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
		c.r.errorHint(CodeUnknownParameter, p, didYouMean(name, slices.Sorted(maps.Keys(params)), "parameters of "+ref.ID),
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
