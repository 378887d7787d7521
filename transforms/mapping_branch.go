package transforms

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxBranchDepth bounds the descent through nested oneOf/anyOf, which a
// recursive schema could otherwise make endless.
const maxBranchDepth = 8

// Branch is the part of a target schema that one mapped record must
// satisfy. Request bodies are often composed: `oneOf: [array of Item,
// Item]` accepts a batch or one record, `anyOf: [A, B]` offers variants.
// A mapping renders one object, so it is converted and checked against
// the one branch that describes it, and its errors name fields of that
// branch instead of "doesn't match any schema from oneOf".
type Branch struct {
	// Schema is what a record must satisfy. When the target sets
	// properties or rules beside its oneOf/anyOf, it is allOf [the target
	// without them, the chosen branch]: both apply.
	Schema *openapi3.Schema
	// Path is the JSON pointer of the chosen branch inside the target
	// ("/oneOf/1"); empty when the target itself was taken.
	Path string
	// Ref is the chosen branch's $ref ("#/components/schemas/Item"), if
	// it has one.
	Ref string
	// Ties lists the paths of the branches that fit the mapping as well
	// as the chosen one, which was taken for coming first: the mapping
	// does not tell them apart.
	Ties []string
}

// String names the branch for messages ("oneOf/1
// (#/components/schemas/Item)"); empty when the target was taken whole.
func (b Branch) String() string {
	if b.Path == "" {
		return ""
	}
	if b.Ref != "" {
		return fmt.Sprintf("%s (%s)", b.Path[1:], b.Ref)
	}
	return b.Path[1:]
}

// RecordSchema chooses the branch of target that describes one record
// of mapping tree (nil for the identity mapping). Without oneOf or anyOf,
// target is taken whole. Otherwise branches that are arrays (a batch of
// records) or scalars are passed over; of the object branches the best
// fit wins: one that no constant of the mapping contradicts (a constant
// outside a field's enum, as a discriminator's value is outside the
// other variants'), then one whose required fields the mapping all
// writes, then the one declaring most of its fields, then the first.
// With several object branches and an empty mapping, nothing can be told
// apart and target is taken whole. A nil target gives the zero Branch.
func RecordSchema(target *openapi3.Schema, tree map[string]any) Branch {
	b := Branch{Schema: target}
	for range maxBranchDepth {
		members, keyword := alternatives(b.Schema)
		i, ties := bestBranch(members, tree)
		if i < 0 {
			return b
		}
		chosen := members[i]
		for _, t := range ties {
			b.Ties = append(b.Ties, fmt.Sprintf("%s/%s/%d", b.Path, keyword, t))
		}
		b.Path += fmt.Sprintf("/%s/%d", keyword, i)
		if chosen.Ref != "" {
			b.Ref = chosen.Ref
		}
		b.Schema = beside(b.Schema, keyword, chosen.Value)
	}
	return b
}

// otherBranches returns the object branches of target's oneOf or anyOf
// other than the chosen one, in their order.
func otherBranches(target *openapi3.Schema, chosen Branch) []Branch {
	members, keyword := alternatives(target)
	if chosen.Path == "" || len(members) < 2 {
		return nil
	}
	var out []Branch
	for i, ref := range members {
		path := fmt.Sprintf("/%s/%d", keyword, i)
		if ref == nil || !describesObject(ref.Value) || chosen.Path == path || strings.HasPrefix(chosen.Path, path+"/") {
			continue
		}
		out = append(out, Branch{Schema: beside(target, keyword, ref.Value), Path: path, Ref: ref.Ref})
	}
	return out
}

// alternatives returns the oneOf members of s, else its anyOf members,
// with the keyword's name.
func alternatives(s *openapi3.Schema) (openapi3.SchemaRefs, string) {
	switch {
	case s == nil:
		return nil, ""
	case len(s.OneOf) > 0:
		return s.OneOf, "oneOf"
	case len(s.AnyOf) > 0:
		return s.AnyOf, "anyOf"
	}
	return nil, ""
}

// bestBranch returns the index of the member describing one record of
// tree best, with the later members that fit as well; -1 when no member
// describes an object, or several do and tree is empty.
func bestBranch(members openapi3.SchemaRefs, tree map[string]any) (int, []int) {
	best, candidates := -1, 0
	var bestFit branchFit
	var ties []int
	for i, ref := range members {
		if ref == nil || !describesObject(ref.Value) {
			continue
		}
		candidates++
		fit := fitOf(ref.Value, tree)
		switch {
		case best < 0 || fit.better(bestFit):
			best, bestFit, ties = i, fit, nil
		case !bestFit.better(fit):
			ties = append(ties, i)
		}
	}
	if candidates > 1 && len(tree) == 0 {
		return -1, nil
	}
	return best, ties
}

// describesObject reports whether s is an object schema: typed object,
// or untyped with properties (its own or an allOf part's), or itself a
// choice among such.
func describesObject(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	switch schemaType(s) {
	case "object":
		return true
	case "":
		if members, _ := alternatives(s); len(members) > 0 {
			return slices.ContainsFunc(members, func(r *openapi3.SchemaRef) bool { return r != nil && describesObject(r.Value) })
		}
		return hasProperties(s)
	}
	return false
}

// hasProperties reports whether s or one of its allOf parts declares
// properties.
func hasProperties(s *openapi3.Schema) bool {
	return fromAllOf(s, func(s *openapi3.Schema) bool { return len(s.Properties) > 0 })
}

// branchFit is how well a branch fits the fields a mapping writes.
type branchFit struct {
	contradicted    int // constants of the mapping outside their field's enum
	missingRequired int // required fields the mapping does not write
	known           int // written fields the branch declares
}

func fitOf(s *openapi3.Schema, tree map[string]any) branchFit {
	var f branchFit
	for k, v := range tree {
		p := propertyOf(s, k)
		if p == nil {
			continue
		}
		f.known++
		if c, ok := constant(v); ok && !inEnum(p, c) {
			f.contradicted++
		}
	}
	for _, name := range requiredOf(s) {
		if _, ok := tree[name]; !ok {
			f.missingRequired++
		}
	}
	return f
}

// constant returns the text of a mapping value that is the same for every
// record: a number, a boolean, or text without template tags.
func constant(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		if strings.Contains(v, "{{") || strings.Contains(v, "{%") {
			return "", false
		}
		return v, true
	case bool, json.Number, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return text(v), true
	}
	return "", false
}

// inEnum reports whether text c is among the values of s's enum (or its
// allOf parts'); a schema without enum allows it.
func inEnum(s *openapi3.Schema, c string) bool {
	enum := fromAllOf(s, func(s *openapi3.Schema) *[]any {
		if len(s.Enum) == 0 {
			return nil
		}
		return &s.Enum
	})
	return enum == nil || slices.ContainsFunc(*enum, func(e any) bool { return text(normalize(e)) == c })
}

// better reports whether f fits better than g.
func (f branchFit) better(g branchFit) bool {
	if (f.contradicted == 0) != (g.contradicted == 0) {
		return f.contradicted == 0
	}
	if (f.missingRequired == 0) != (g.missingRequired == 0) {
		return f.missingRequired == 0
	}
	if f.known != g.known {
		return f.known > g.known
	}
	return f.missingRequired < g.missingRequired
}

// requiredOf lists the required fields of s and its allOf parts.
func requiredOf(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	out := slices.Clone(s.Required)
	for _, part := range s.AllOf {
		if part != nil {
			out = append(out, requiredOf(part.Value)...)
		}
	}
	return out
}

// beside returns the schema a record must satisfy when branch was chosen
// from s's keyword: branch alone when s says nothing else, else allOf [s
// without keyword, branch].
func beside(s *openapi3.Schema, keyword string, branch *openapi3.Schema) *openapi3.Schema {
	rest := *s
	if keyword == "oneOf" {
		rest.OneOf = nil
	} else {
		rest.AnyOf = nil
	}
	rest.Discriminator = nil
	if !constrains(&rest) {
		return branch
	}
	return &openapi3.Schema{AllOf: openapi3.SchemaRefs{{Value: &rest}, {Value: branch}}}
}

// constrains reports whether s says anything about an object besides its
// type and annotations.
func constrains(s *openapi3.Schema) bool {
	return len(s.Properties) > 0 || len(s.Required) > 0 || len(s.AllOf) > 0 || len(s.AnyOf) > 0 ||
		len(s.OneOf) > 0 || s.Not != nil || len(s.Enum) > 0 ||
		s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil ||
		s.MinProps != 0 || s.MaxProps != nil
}
