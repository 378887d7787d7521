package engine

import (
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// Field ownership. An entity's owner (sourceOfTruth) can be overridden
// per field in the partner entity's `fields`, and per instance in
// fieldSourceOfTruth. The fields named are the partner's: the top-level
// fields of the body a push writes. A pull writes the home entity's
// body, whose fields follow the partner fields they are made of: a home
// field whose template reads model fields that the partner's read
// mapping reads from partner fields belongs to the partner only when
// every one of those partner fields does, so that a pull never writes a
// value made partly of a home-owned one. Fields made of no partner field
// keep the entity's owner.
//
// On an update, a flow sends only the fields its source owns, with the
// destination's key; fields the destination owns are left to it. A
// create sends every field, since the destination has no value yet. A
// change on the source of a field the destination owns is a conflict:
// it is not written, it is audited with the field's name, and the
// destination's value is written back by the opposite direction. The
// hash that tells whether a record changed stays that of the whole
// payload, so a field left out of the update is not taken for a change
// on the next run.

// fieldOwners returns the direction owning each field of a flow's
// payload whose owner is not the entity's; nil when every field follows
// the entity.
func fieldOwners(inst *instance.Instance, f *flow, partner *specs.Entity) map[string]instance.Direction {
	owners := partnerFieldOwners(inst, f.entity, partner)
	if f.dir == instance.Pull {
		owners = pulledFieldOwners(f, owners)
	}
	out := map[string]instance.Direction{}
	for field, o := range owners {
		if o != f.owner {
			out[field] = o
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// partnerFieldOwners returns the owner of every partner field named in
// the spec's `fields` or the instance's fieldSourceOfTruth. The
// instance's choice wins over the spec's, and a field's own over its
// entity's.
func partnerFieldOwners(inst *instance.Instance, name string, e *specs.Entity) map[string]instance.Direction {
	out := map[string]instance.Direction{}
	entity := ownerOf(inst, name, e)
	for field, o := range e.Fields {
		out[field] = entity
		if o != nil && o.SourceOfTruth != "" {
			out[field] = sideDirection(o.SourceOfTruth)
		}
	}
	for field, side := range inst.FieldSourceOfTruth[name] {
		out[field] = sideDirection(side)
	}
	return out
}

// sideDirection is the direction whose source is side: push for the
// home, pull for the partner.
func sideDirection(side specs.Side) instance.Direction {
	if side == specs.SidePartner {
		return instance.Pull
	}
	return instance.Push
}

// pulledFieldOwners turns the owners of partner fields into the owners of
// the home fields a pull writes: a home field whose partner fields all
// have one owner gets it; one made of partner fields of both owners
// belongs to the home.
func pulledFieldOwners(f *flow, partner map[string]instance.Direction) map[string]instance.Direction {
	if f.src.ent.Read == nil && f.dst.ent.Write == nil {
		return partner // both mappings pass fields through
	}
	out := map[string]instance.Direction{}
	for field, from := range homeFieldSources(f) {
		owners := map[instance.Direction]bool{}
		for _, pf := range from {
			owners[orDefault(partner[pf], f.owner)] = true
		}
		switch {
		case len(owners) == 1:
			for o := range owners {
				out[field] = o
			}
		case len(owners) > 1:
			out[field] = instance.Push
		}
	}
	return out
}

// homeFieldSources lists, per top-level field of a pull's payload, the
// partner fields it is made of: through the home write mapping's reads
// of model fields, and the partner read mapping's reads of the API
// object. An omitted mapping passes a field through under its name.
func homeFieldSources(f *flow) map[string][]string {
	var model map[string][]string // nil: the read mapping is omitted
	if f.src.ent.Read != nil {
		model = mappingReads(f.src.ent.Read, f.src.name)
	}
	partnerOf := func(modelField string) []string {
		if model == nil {
			return []string{modelField}
		}
		return model[modelField]
	}
	out := map[string][]string{}
	if f.dst.ent.Write == nil {
		for field := range model {
			out[field] = partnerOf(field)
		}
		return out
	}
	for field, reads := range mappingReads(f.dst.ent.Write, f.model) {
		for _, m := range reads {
			out[field] = append(out[field], partnerOf(m)...)
		}
	}
	return out
}

// mappingReads lists, per top-level field of a mapping, the top-level
// fields its templates may read of the variable named name (or
// "record").
func mappingReads(m specs.Mapping, name string) map[string][]string {
	out := map[string][]string{}
	for field, tree := range m {
		seen := map[string]bool{}
		for _, t := range templatesOf(tree) {
			for _, p := range mentionedPaths(t) {
				if len(p) > 1 && (p[0] == name || p[0] == varRecord) {
					seen[p[1]] = true
				}
			}
		}
		out[field] = slices.Sorted(maps.Keys(seen))
	}
	return out
}

// fieldOwner is the direction owning a top-level field of the flow's
// payload: the field's own owner, else the entity's.
func (f *flow) fieldOwner(field string) instance.Direction {
	if o, ok := f.fieldOwners[field]; ok {
		return o
	}
	return f.owner
}

// homeOwns reports whether the home owns a top-level field of the flow's
// payload: a partner field on push, a home field on pull. Drift in a
// field the home does not own is the partner's to keep.
func (f *flow) homeOwns(field string) bool { return f.fieldOwner(field) == instance.Push }

// ownsField reports whether the flow's source owns a payload field.
func (f *flow) ownsField(field string) bool { return f.fieldOwner(field) == f.dir }

// fieldOwned reports whether the owner of some field of the flow's
// payload is not the entity's.
func (f *flow) fieldOwned() bool { return len(f.fieldOwners) > 0 }

// updateBody is the body of an update of a record the destination
// holds: the payload without the fields the destination owns, with the
// destination's key field. Without field owners it is the payload.
func (f *flow) updateBody(payload map[string]any) map[string]any {
	if !f.fieldOwned() {
		return payload
	}
	key, _, _ := strings.Cut(f.dst.ent.Key, ".")
	out := make(map[string]any, len(payload))
	for field, v := range payload {
		if field == key || f.ownsField(field) {
			out[field] = v
		}
	}
	return out
}

// fieldChanges sorts what changed in the payload of a record the
// destination holds: whether a field the flow's source owns changed,
// and the fields it does not own that changed (conflicts). A record whose
// last fields are not known (a conflict asked the owner to write it
// again, or nothing was kept) writes the fields the source owns and
// conflicts with none.
func (f *flow) fieldChanges(mp *mapped) (own bool, conflicts []string) {
	known := &mp.src.known
	prints := decodeMemo(known.Memo).prints
	if known.Hash == conflictHash || len(prints) == 0 {
		return true, nil
	}
	for _, c := range diffFields(prints, mp.payload) {
		if f.ownsField(c.Field) {
			own = true
		} else {
			conflicts = append(conflicts, c.Field)
		}
	}
	// A payload whose fields compare equal but whose hash differs
	// (fingerprints are 32 bits) is written.
	return own || len(conflicts) == 0, conflicts
}
