package specs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/transforms"
)

// A template that reads a variable its kind does not have (TemplateKinds)
// reads nothing for every record: template-unknown-variable. The check
// runs in two steps. Without the model, every unknown name is reported
// but those close to another name the entity chooses (its model entity,
// its includes): "{{ tenant.x }}" under "model": "tenants" may be a slip of
// the template or of the model key. With the model (modelCheck), those
// are reported too, unless the chosen name is the one the model lacks,
// which unknown-entity reports.

// kindTemplate is a template of an entity, its kind and where it is.
type kindTemplate struct {
	kind    TemplateKind
	src     string
	pointer string
}

// entityTemplates lists the templates of entity name, each with its kind,
// in pointer order.
func entityTemplates(name string, e *Entity) []kindTemplate {
	p := entityPointer(name)
	var out []kindTemplate
	add := func(kind, src, pointer string) {
		out = append(out, kindTemplate{templateKind(kind), src, pointer})
	}
	add("write", e.When, jsonptr.Join(p, "when"))
	for k, src := range e.Include {
		add("include", src, jsonptr.Join(p, "include", k))
	}
	for key, m := range map[string]Mapping{"write": e.Write, "read": e.Read, "compare": e.Compare} {
		kind := map[string]string{"write": "write", "read": "read", "compare": "read"}[key]
		for ptr, src := range mappingLeaves(m, "") {
			add(kind, src, jsonptr.Join(p, key)+ptr)
		}
	}
	if e.Match != nil {
		add("read", e.Match.Key, jsonptr.Join(p, "match", "key"))
		add("match home", e.Match.Home, jsonptr.Join(p, "match", "home"))
	}
	for _, s := range e.slots() {
		for k, src := range s.op.Params {
			add(paramsKind(s.key), src, jsonptr.Join(p, s.key, "params", k))
		}
		for k, src := range s.op.Variables {
			add(paramsKind(s.key), src, jsonptr.Join(p, s.key, "variables", k))
		}
	}
	slices.SortFunc(out, func(a, b kindTemplate) int { return strings.Compare(a.pointer, b.pointer) })
	return out
}

// templateReads returns the paths a template reads; nil for constants,
// templates that do not compile (reported elsewhere) and templates that
// cannot be read (transforms.ReadPaths).
func templateReads(env *transforms.Env, src string) [][]string {
	if !strings.Contains(src, "{{") && !strings.Contains(src, "{%") {
		return nil
	}
	paths, ok := transforms.ReadPaths(src)
	if !ok {
		return nil
	}
	if _, err := env.Compile(src); err != nil {
		return nil
	}
	return paths
}

// chosenNames are the variable names entity name chooses itself: its
// model entity and its includes.
func chosenNames(e *Entity) []string {
	return append(slices.Sorted(maps.Keys(e.Include)), e.Model)
}

// closeChosen returns the names e chooses that are close to root but not
// root: when there are any, root may be right and the chosen name a slip.
func closeChosen(root string, e *Entity) []string {
	return slices.DeleteFunc(suggest(root, chosenNames(e)), func(n string) bool { return n == root })
}

// checkTemplateVars reports the variables e's templates read that their
// kind does not have, but those close to a name the entity chooses,
// which modelCheck.checkTemplateVars decides about. An entity without a
// model entity (missing-key) is not checked.
func (c *specCheck) checkTemplateVars(name string, e *Entity) {
	if e.Model == "" {
		return
	}
	for _, t := range entityTemplates(name, e) {
		names := varNames(t.kind, name, e)
		c.reportUnknownVars(t, names, func(root string) bool { return len(closeChosen(root, e)) == 0 })
	}
}

// checkWebhookVars checks the variables of a webhook event's key.
func (c *specCheck) checkWebhookVars(src, p string) {
	kind := templateKind("webhook key")
	c.reportUnknownVars(kindTemplate{kind, src, p}, varNames(kind, "", &Entity{}), func(string) bool { return true })
}

// reportUnknownVars reports, once each, the names template t reads that
// are not among names, when report says so for the variable.
func (c *specCheck) reportUnknownVars(t kindTemplate, names []string, report func(root string) bool) {
	reportUnknownVars(c.r, c.tpl.env, t, names, report)
}

// reportUnknownVars reports to r, once each, the names template t reads
// that are not among names (or members of instance it does not have),
// when report says so for the variable.
func reportUnknownVars(r *report, env *transforms.Env, t kindTemplate, names []string, report func(root string) bool) {
	seen := map[string]bool{}
	for _, path := range templateReads(env, t.src) {
		root := path[0]
		switch {
		case !slices.Contains(names, root):
			if !seen[root] && report(root) {
				unknownVar(r, t, root, names)
			}
			seen[root] = true
		case root == "instance" && len(path) > 1 && !slices.Contains(instanceFields, path[1]) && !seen["instance."+path[1]]:
			seen["instance."+path[1]] = true
			r.errorHint(CodeTemplateUnknownVariable, t.pointer, didYouMean(path[1], instanceFields, "members of instance"),
				"the template reads instance.%s, but instance has only %s", path[1], strings.Join(instanceFields, ", "))
		}
	}
}

// unknownVar reports the variable root that template t reads and its
// kind does not have.
func unknownVar(r *report, t kindTemplate, root string, names []string) {
	if len(names) == 0 {
		r.errorHint(CodeTemplateUnknownVariable, t.pointer, "write a constant: the engine renders "+t.kind.Kind+" templates without variables",
			"the template reads %q, but %s templates have no variables", root, t.kind.Kind)
		return
	}
	r.errorHint(CodeTemplateUnknownVariable, t.pointer, didYouMean(root, names, "variables of "+t.kind.Kind+" templates"),
		"the template reads %q, which %s templates do not have", root, t.kind.Kind)
}

// checkTemplateVars reports the unknown variables the spec check left to
// the model: those close to the entity's model entity or an include,
// unless that name is one the model lacks (unknown-entity reports it).
func (c *modelCheck) checkTemplateVars(name string, e *Entity, env *transforms.Env) {
	if e.Model == "" {
		return
	}
	var typos []string // chosen names the model lacks
	for _, n := range chosenNames(e) {
		if _, ok := c.model.Entities[n]; !ok {
			typos = append(typos, n)
		}
	}
	for _, t := range entityTemplates(name, e) {
		reportUnknownVars(c.r, env, t, varNames(t.kind, name, e), func(root string) bool {
			close := closeChosen(root, e)
			return len(close) > 0 && !slices.ContainsFunc(close, func(n string) bool { return slices.Contains(typos, n) })
		})
	}
}

// checkIDReads reports the templates of e that read ids.NAME where NAME
// is neither an include of the entity nor an entity that its model
// entity references: the engine has no id to give them.
func (c *modelCheck) checkIDReads(name string, e *Entity, env *transforms.Env) {
	me := c.model.Entities[e.Model]
	if me == nil {
		return
	}
	known := slices.Collect(maps.Keys(e.Include))
	for _, target := range me.References {
		known = append(known, target)
	}
	slices.Sort(known)
	known = slices.Compact(known)
	for _, t := range entityTemplates(name, e) {
		if !slices.ContainsFunc(t.kind.Vars, func(v TemplateVar) bool { return v.Name == "ids" }) {
			continue
		}
		seen := map[string]bool{}
		for _, path := range templateReads(env, t.src) {
			if len(path) < 2 || path[0] != "ids" || slices.Contains(known, path[1]) || seen[path[1]] {
				continue
			}
			seen[path[1]] = true
			c.r.errorHint(CodeTemplateUnknownVariable, t.pointer,
				withSuggestion(path[1], known, fmt.Sprintf(`add "include": {%q: "{{ %s.<field holding its key> }}"}, or a reference to it in model entity %q`, path[1], e.Model, e.Model)),
				"the template reads ids.%s, but the entity includes no %q and model entity %q references none", path[1], path[1], e.Model)
		}
	}
}

// mappingLeaves returns the strings of a mapping tree by their pointer
// under p.
func mappingLeaves(v any, p string) map[string]string {
	out := map[string]string{}
	switch t := v.(type) {
	case string:
		out[p] = t
	case Mapping:
		maps.Copy(out, mappingLeaves(map[string]any(t), p))
	case map[string]any:
		for k, child := range t {
			maps.Copy(out, mappingLeaves(child, jsonptr.Join(p, k)))
		}
	case []any:
		for i, child := range t {
			maps.Copy(out, mappingLeaves(child, jsonptr.Join(p, fmt.Sprint(i))))
		}
	}
	return out
}
