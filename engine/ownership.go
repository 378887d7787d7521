package engine

import "github.com/specsync/specsync/engine/instance"

// homeOwns reports whether the home system owns a payload field of the
// flow's entity, so that a push may write it over the partner's value.
// Ownership is decided per entity (the entity's sourceOfTruth, or the
// instance's); every field of an entity has its owner.
func (f *flow) homeOwns(field string) bool {
	_ = field
	return f.owner == instance.Push
}
