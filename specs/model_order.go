package specs

import (
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// dependencyOrder sorts entity names so that each comes after the entities
// it references, ties broken by name. References to unknown entities and
// to the entity itself do not order anything. Each cycle is reported as
// reference-cycle; the entities on and behind cycles are appended by name.
func dependencyOrder(entities map[string]*ModelEntity, r *report) []string {
	deps := dependencies(entities)
	var order []string
	done := map[string]bool{}
	for {
		next := readyEntity(deps, done)
		if next == "" {
			break
		}
		done[next] = true
		order = append(order, next)
	}
	reportCycles(entities, deps, done, r)
	for _, name := range slices.Sorted(maps.Keys(entities)) {
		if !done[name] {
			order = append(order, name)
		}
	}
	return order
}

// dependencies maps each entity to the other known entities it
// references, sorted.
func dependencies(entities map[string]*ModelEntity) map[string][]string {
	deps := map[string][]string{}
	for name, e := range entities {
		deps[name] = []string{}
		for _, target := range e.References {
			if _, ok := entities[target]; ok && target != name && !slices.Contains(deps[name], target) {
				deps[name] = append(deps[name], target)
			}
		}
		slices.Sort(deps[name])
	}
	return deps
}

// readyEntity returns the first entity by name that is not done and whose
// dependencies all are, or "".
func readyEntity(deps map[string][]string, done map[string]bool) string {
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		if !done[name] && !slices.ContainsFunc(deps[name], func(d string) bool { return !done[d] }) {
			return name
		}
	}
	return ""
}

// reportCycles reports each cycle among the entities not done, and
// entities that reference themselves.
func reportCycles(entities map[string]*ModelEntity, deps map[string][]string, done map[string]bool, r *report) {
	for _, name := range slices.Sorted(maps.Keys(entities)) {
		if f := referenceTo(entities[name], name); f != "" {
			r.errorHint(CodeReferenceCycle, jsonptr.Join(modelEntityPointer(name), "references", f), cycleHint,
				"entity %q references itself through %q", name, f)
		}
	}
	reported := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		if done[name] || reported[name] {
			continue
		}
		cycle := findCycle(name, deps, done)
		if len(cycle) == 0 || slices.ContainsFunc(cycle, func(n string) bool { return reported[n] }) {
			continue
		}
		for _, n := range cycle {
			reported[n] = true
		}
		reportCycle(entities, cycle, r)
	}
}

// cycleHint says how to break a reference cycle.
const cycleHint = "remove one reference of the cycle; the entity that is synchronised last should hold it"

// findCycle follows references from start among entities not done until
// one repeats, and returns the cycle it closes ("a", "b", "a").
func findCycle(start string, deps map[string][]string, done map[string]bool) []string {
	path := []string{start}
	for {
		last := path[len(path)-1]
		i := slices.IndexFunc(deps[last], func(d string) bool { return !done[d] })
		if i < 0 {
			return nil
		}
		next := deps[last][i]
		if j := slices.Index(path, next); j >= 0 {
			return append(path[j:], next)
		}
		path = append(path, next)
	}
}

// reportCycle reports one cycle at the reference that starts it.
func reportCycle(entities map[string]*ModelEntity, cycle []string, r *report) {
	field := referenceTo(entities[cycle[0]], cycle[1])
	r.errorHint(CodeReferenceCycle, jsonptr.Join(modelEntityPointer(cycle[0]), "references", field), cycleHint,
		"references form a cycle: %s", strings.Join(cycle, " -> "))
}

// referenceTo returns the first field (by name) of e that references
// target, or "".
func referenceTo(e *ModelEntity, target string) string {
	for _, f := range slices.Sorted(maps.Keys(e.References)) {
		if e.References[f] == target {
			return f
		}
	}
	return ""
}
