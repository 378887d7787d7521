package specs

import "github.com/specsync/specsync/internal/jsonptr"

// checkMatch checks an entity's match step: it pages through the
// entity's list operation, so it needs one, and its templates compile.
func (c *specCheck) checkMatch(name string, e *Entity) {
	if e.Match == nil {
		return
	}
	p := jsonptr.Join(entityPointer(name), "match")
	if e.List == nil {
		c.r.errorHint(CodeMissingOperation, p, `add a "list" operation to the entity (the match step pages through it), or remove "match"`,
			"entity %q declares match but has no list operation to find the partner's records with", name)
	}
	c.tpl.check(e.Match.Key, jsonptr.Join(p, "key"))
	c.tpl.check(e.Match.Home, jsonptr.Join(p, "home"))
}
