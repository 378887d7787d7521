package specs

import (
	"maps"
	"slices"

	"github.com/specsync/specsync/internal/jsonptr"
)

// specCheck runs the checks of one spec that need no model.
type specCheck struct {
	spec *Spec
	r    *report
	tpl  *templateCheck
	// registry describes the auth methods and paging styles; nil skips
	// their configs.
	registry *Plugins
	// plugins holds the decoded plug-in configs by pointer (nil when the
	// type is unknown), so that each is decoded and reported once.
	plugins map[string]any
	// named collects the operationIds the x-sync names that exist.
	named map[string]bool
}

// checkSpec runs every model-independent semantic check on spec and
// returns the operationIds the x-sync names (entities, the GraphQL
// endpoint, plug-in configs), sorted.
func checkSpec(spec *Spec, r *report, registry *Plugins) []string {
	checkLimits(spec.Sync.Limits, r)
	checkTodo(spec.Sync.Todo, "/x-sync", r)
	c := &specCheck{spec: spec, r: r, tpl: newTemplateCheck(r, spec.Sync.Limits), registry: registry, plugins: map[string]any{}, named: map[string]bool{}}
	c.checkGraphQLEndpoint()
	c.checkAuth()
	c.checkDefaultPaging()
	for _, name := range slices.Sorted(maps.Keys(spec.Sync.Entities)) {
		c.checkEntity(name, spec.Sync.Entities[name])
	}
	c.checkWebhooks()
	return slices.Sorted(maps.Keys(c.named))
}

// slot is one operation of an entity, by its key.
type slot struct {
	key string // "list", "create", ...
	op  *Operation
}

// slots returns the operations e sets, in a fixed order.
func (e *Entity) slots() []slot {
	all := []slot{{"list", e.List}, {"get", e.Get}, {"lookup", e.Lookup}, {"create", e.Create}, {"update", e.Update}, {"upsert", e.Upsert}, {"delete", e.Delete}, {"erase", e.Erase}}
	return slices.DeleteFunc(all, func(s slot) bool { return s.op == nil })
}

// isWrite reports whether the slot sends the write mapping as its body.
func (s slot) isWrite() bool {
	return s.key == "create" || s.key == "update" || s.key == "upsert"
}

// entityPointer returns the JSON pointer of entity name.
func entityPointer(name string) string { return jsonptr.Join("/x-sync/entities", name) }

// checkEntity runs the checks of one entity.
func (c *specCheck) checkEntity(name string, e *Entity) {
	p := entityPointer(name)
	checkTodo(e.Todo, p, c.r)
	if e.List == nil && e.Create == nil && e.Update == nil && e.Upsert == nil {
		c.r.errorHint(CodeMissingOperation, p, `add "list" to read it, or "create", "update" or "upsert" to write it`,
			"entity %q has neither a list nor a write operation", name)
	}
	c.tpl.check(e.When, jsonptr.Join(p, "when"))
	c.tpl.checkMap(e.Include, jsonptr.Join(p, "include"))
	for _, s := range e.slots() {
		c.checkOperation(name, e, s, jsonptr.Join(p, s.key))
	}
	c.checkErase(e, jsonptr.Join(p, "erase"))
	c.checkPaging(name, e)
	c.checkIncremental(name, e)
	c.checkWrite(name, e)
	c.checkFields(name, e)
	c.checkClear(name, e)
	c.checkMatch(name, e)
	c.tpl.checkMapping(e.Read, nil, jsonptr.Join(p, "read"))
	c.checkCompare(name, e)
	c.checkCrashSafe(e, p)
}

// checkCrashSafe warns about an entity whose creates cannot be made
// crash-safe automatically: without an upsert, lookup, match step or
// idempotency key, a create sent whose answer was lost (the process was
// killed, the connection broke) cannot be told from one never sent, and
// the record waits in the ledger as uncertain until an operator says.
func (c *specCheck) checkCrashSafe(e *Entity, p string) {
	if e.Create == nil || e.Upsert != nil || e.Lookup != nil || e.Match != nil || e.Create.IdempotencyKey != "" {
		return
	}
	c.r.warnHint(CodeCreateNotCrashSafe, jsonptr.Join(p, "create"),
		`give the entity a "lookup" that finds a record by its key, a "match" step, or the create an "idempotencyKey" header the system honours (or use an "upsert")`,
		"the entity creates records without an upsert, lookup, match step or idempotency key, so it cannot be made crash-safe automatically: "+
			"a create whose answer is lost leaves the record uncertain until an operator resolves it (specsync resolve)")
}

// checkErase refuses an erase operation that only detaches: erasing a
// person must remove their record.
func (c *specCheck) checkErase(e *Entity, p string) {
	if e.Erase != nil && e.Erase.Mode == DeleteDetach {
		c.r.errorHint(CodeInvalidValue, jsonptr.Join(p, "mode"), `leave "mode" out: erase always removes the record; a detaching operation belongs in "delete"`,
			"the erase operation has mode %q", DeleteDetach)
	}
}
