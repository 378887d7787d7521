package instance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// Direction is the way records flow in a run.
type Direction string

const (
	// Push sends home records to the partner.
	Push Direction = "push"
	// Pull brings partner records home.
	Pull Direction = "pull"
)

// Directions lists the directions in run order: push first, then pull.
func Directions() []Direction { return []Direction{Push, Pull} }

// Opposite returns the other direction.
func (d Direction) Opposite() Direction {
	if d == Push {
		return Pull
	}
	return Push
}

// Valid reports whether d is push or pull.
func (d Direction) Valid() bool { return d == Push || d == Pull }

// Action is what a run does, or tried to do, with one record.
type Action string

const (
	// Create writes a record the target does not have yet.
	Create Action = "create"
	// Update writes a changed record.
	Update Action = "update"
	// Delete removes (or detaches) a record gone from the source.
	Delete Action = "delete"
	// Skip leaves a record alone: its payload is unchanged or an echo.
	Skip Action = "skip"
)

// grantable lists the actions a permission can grant.
var grantable = []Action{Create, Update, Delete}

// Permissions says which actions an instance may take, per direction and
// spec entity: {"push": {"tenant": ["create", "update", "delete"]}}.
// Nothing is granted unless listed; the zero value denies everything.
// Entity names are those of the partner spec, for both directions.
//
// Permissions is a plain map: safe for concurrent reads, not for writes.
type Permissions map[Direction]map[string][]Action

// Allows reports whether action on entity in direction dir is granted.
func (p Permissions) Allows(dir Direction, entity string, action Action) bool {
	return slices.Contains(p[dir][entity], action)
}

// GrantsAny reports whether any action on any entity is granted in
// direction dir.
func (p Permissions) GrantsAny(dir Direction) bool {
	for _, acts := range p[dir] {
		if len(acts) > 0 {
			return true
		}
	}
	return false
}

// Grant is what one direction and entity may do.
type Grant struct {
	Direction Direction
	Entity    string
	// Actions are in the order create, update, delete.
	Actions []Action
}

// Grants lists the granted actions, push before pull and entities by
// name; entities with no granted action are left out.
func (p Permissions) Grants() []Grant {
	var out []Grant
	for _, dir := range Directions() {
		for _, entity := range sortedKeys(p[dir]) {
			var acts []Action
			for _, a := range grantable {
				if p.Allows(dir, entity, a) {
					acts = append(acts, a)
				}
			}
			if len(acts) > 0 {
				out = append(out, Grant{Direction: dir, Entity: entity, Actions: acts})
			}
		}
	}
	return out
}

// Summary describes the grants for display, one line per direction and
// entity ("push tenant: create, update"), or says nothing is granted.
func (p Permissions) Summary() string {
	grants := p.Grants()
	if len(grants) == 0 {
		return "nothing granted"
	}
	lines := make([]string, len(grants))
	for i, g := range grants {
		acts := make([]string, len(g.Actions))
		for j, a := range g.Actions {
			acts[j] = string(a)
		}
		lines[i] = fmt.Sprintf("%s %s: %s", g.Direction, g.Entity, strings.Join(acts, ", "))
	}
	return strings.Join(lines, "\n")
}

// entities returns the entity names the permissions mention, by pointer
// ("/permissions/push/tenant"), for checks against a spec.
func (p Permissions) entities() map[string]string {
	out := map[string]string{}
	for dir, byEntity := range p {
		for entity := range byEntity {
			out[jsonptr.Join("/permissions", string(dir), entity)] = entity
		}
	}
	return out
}
