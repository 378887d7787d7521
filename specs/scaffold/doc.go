// Package scaffold writes a starting overlay for a vendor's published
// OpenAPI document: the x-sync part of a connector spec, in the simple
// overlay form ({"extends": DOC, "x-sync": {...}}), with the document
// itself left as it is.
//
// Generate finds candidate entities (collections with a list operation
// returning an array of objects, and the operations that get, create,
// update, upsert and delete their members), detects how lists page and
// how requests authenticate, and, given a model, maps model fields to the
// vendor's fields by name. What it cannot decide it leaves as a `todo`
// note on the x-sync or the entity, which validation reports as the
// warning `todo` until the integrator removes it.
package scaffold
