package specs

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxSchemaDepth bounds the walk through allOf/anyOf/oneOf and nested
// arrays, which recursive schemas could otherwise make endless.
const maxSchemaDepth = 32

// pathLookup is the outcome of following a dotted path through a schema.
type pathLookup struct {
	// schemas are the schemas at the end of the path: one, or several
	// when composed schemas (allOf parts refining a property, oneOf
	// variants) declare it more than once. Empty when the path left the
	// described part of the schema (an object with no declared
	// properties), where nothing more can be checked.
	schemas []*openapi3.Schema
	// missing is the first segment that the schema does not have; empty
	// when the path resolves.
	missing string
	// parent is the schema in which missing was looked up.
	parent *openapi3.Schema
}

// lookupPath follows a dotted path ("data.tenants.items") from s,
// descending into the items of arrays on the way. A segment is missing
// only when no schema the path can be at declares it: a property that
// one allOf part declares loosely and another refines is followed in
// both.
func lookupPath(s *openapi3.Schema, path string) pathLookup {
	if path == "" {
		return pathLookup{schemas: []*openapi3.Schema{s}}
	}
	at := []*openapi3.Schema{s}
	for _, seg := range strings.Split(path, ".") {
		var next []*openapi3.Schema
		for _, c := range at {
			found, known := segment(c, seg)
			if !known {
				return pathLookup{}
			}
			next = append(next, found...)
		}
		if len(next) == 0 {
			return pathLookup{missing: seg, parent: skipArrays(at[0])}
		}
		at = next
	}
	return pathLookup{schemas: at}
}

// segment returns the schemas that seg leads to from s: the items of an
// array for an index, else the declarations of property seg. known is
// false when s says nothing about its properties.
func segment(s *openapi3.Schema, seg string) ([]*openapi3.Schema, bool) {
	if isIndex(seg) && arrayItems(s) != nil {
		return []*openapi3.Schema{arrayItems(s)}, true
	}
	s = skipArrays(s)
	found := properties(s, seg, nil, 0)
	return found, len(found) > 0 || declaresProperties(s, 0)
}

// properties appends to out every declaration of property name in s and
// its composition (allOf, anyOf, oneOf), and a schema-valued
// additionalProperties, which accepts every name.
func properties(s *openapi3.Schema, name string, out []*openapi3.Schema, depth int) []*openapi3.Schema {
	if s == nil || depth > maxSchemaDepth {
		return out
	}
	if p, ok := s.Properties[name]; ok && p != nil && p.Value != nil {
		out = append(out, p.Value)
	}
	for _, sub := range composition(s) {
		out = properties(refValue(sub), name, out, depth+1)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
		out = append(out, ap.Value)
	}
	return out
}

// union is one schema for several: the schema itself, or anyOf them.
func union(schemas []*openapi3.Schema) *openapi3.Schema {
	switch len(schemas) {
	case 0:
		return nil
	case 1:
		return schemas[0]
	}
	u := &openapi3.Schema{}
	for _, s := range schemas {
		u.AnyOf = append(u.AnyOf, &openapi3.SchemaRef{Value: s})
	}
	return u
}

// isIndex reports whether seg is an array index.
func isIndex(seg string) bool {
	_, err := strconv.Atoi(seg)
	return err == nil
}

// arrayItems returns the item schema of an array schema, or nil.
func arrayItems(s *openapi3.Schema) *openapi3.Schema {
	if s == nil || s.Items == nil || !(s.Type.IsEmpty() || s.Type.Includes(openapi3.TypeArray)) {
		return nil
	}
	return s.Items.Value
}

// skipArrays descends from an array schema to its items, repeatedly.
func skipArrays(s *openapi3.Schema) *openapi3.Schema {
	for range maxSchemaDepth {
		items := arrayItems(s)
		if items == nil {
			return s
		}
		s = items
	}
	return s
}

// property returns the schema of property name of s. known is false when s
// declares no properties at all (nothing can be said); then and when the
// property is missing, the schema is nil. Properties of allOf, anyOf and
// oneOf members count, and a schema-valued additionalProperties accepts
// every name.
func property(s *openapi3.Schema, name string, depth int) (*openapi3.Schema, bool) {
	if s == nil || depth > maxSchemaDepth {
		return nil, false
	}
	if p, ok := s.Properties[name]; ok && p != nil {
		return p.Value, true
	}
	for _, sub := range composition(s) {
		if p, _ := property(refValue(sub), name, depth+1); p != nil {
			return p, true
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		return ap.Value, true
	}
	return nil, declaresProperties(s, depth)
}

// composition returns the members of allOf, anyOf and oneOf.
func composition(s *openapi3.Schema) openapi3.SchemaRefs {
	return slices.Concat(s.AllOf, s.AnyOf, s.OneOf)
}

// declaresProperties reports whether s, or a member of its composition,
// declares properties and allows no others.
func declaresProperties(s *openapi3.Schema, depth int) bool {
	if s == nil || depth > maxSchemaDepth || allowsAdditional(s) {
		return false
	}
	if len(s.Properties) > 0 {
		return true
	}
	return slices.ContainsFunc(composition(s), func(r *openapi3.SchemaRef) bool {
		return declaresProperties(refValue(r), depth+1)
	})
}

// allowsAdditional reports whether s explicitly allows properties it does
// not declare (additionalProperties true or a schema). An absent
// additionalProperties counts as not allowed: the declared properties are
// taken as the contract.
func allowsAdditional(s *openapi3.Schema) bool {
	ap := s.AdditionalProperties
	return ap.Schema != nil || (ap.Has != nil && *ap.Has)
}

// propertyNames lists the properties s declares, with those of its
// composition, sorted.
func propertyNames(s *openapi3.Schema) []string {
	names := map[string]bool{}
	collectNames(s, names, 0)
	return slices.Sorted(maps.Keys(names))
}

// collectNames adds the property names of s and its composition to names.
func collectNames(s *openapi3.Schema, names map[string]bool, depth int) {
	if s == nil || depth > maxSchemaDepth {
		return
	}
	for n := range s.Properties {
		names[n] = true
	}
	for _, sub := range composition(s) {
		collectNames(refValue(sub), names, depth+1)
	}
}

// requiredNames lists the required properties of s and of its allOf
// members, without readOnly ones (which a request does not send), sorted.
func requiredNames(s *openapi3.Schema) []string {
	names := map[string]bool{}
	collectRequired(s, s, names, 0)
	return slices.Sorted(maps.Keys(names))
}

// collectRequired adds the required, writable properties of s to names.
func collectRequired(root, s *openapi3.Schema, names map[string]bool, depth int) {
	if s == nil || depth > maxSchemaDepth {
		return
	}
	for _, n := range s.Required {
		if p, _ := property(root, n, 0); p == nil || !p.ReadOnly {
			names[n] = true
		}
	}
	for _, sub := range s.AllOf {
		collectRequired(root, refValue(sub), names, depth+1)
	}
}
