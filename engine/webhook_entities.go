package engine

import (
	"maps"
	"slices"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// EventEntities resolves the entity a webhook event names to the partner
// entities of the flows that sync it in direction dir, the names a run's
// RunOptions.Entity takes. An event names an entity of the system that
// sends it: a home entity (fromHome) is resolved through its model entity
// to every partner entity that syncs that model entity with it (a home
// `unit` may be the partner's `apartment`); a partner entity is itself,
// when it has a flow in dir. The result is sorted and empty when no flow
// syncs the entity in dir.
func EventEntities(home, partner *specs.Spec, fromHome bool, entity string, dir instance.Direction) []string {
	if home == nil || partner == nil || home.Sync == nil || partner.Sync == nil {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(partner.Sync.Entities)) {
		p := partner.Sync.Entities[name]
		if p == nil {
			continue
		}
		hname, h := homeEntity(home, p.Model, name)
		if h == nil || !flows(dir, h, p) {
			continue
		}
		if (fromHome && hname == entity) || (!fromHome && name == entity) {
			out = append(out, name)
		}
	}
	return out
}
