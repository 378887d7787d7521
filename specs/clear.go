package specs

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Clearing. A merge-style update (any update or upsert that does not
// declare replace: PATCH, many PUTs, most GraphQL inputs) keeps the partner's value of every field its body leaves out. A
// top-level field that an earlier write sent and that is now empty (its
// template rendered nothing) must therefore be sent explicitly for the
// partner to drop it: as JSON null, or as its type's empty value. Which
// one is the field's ClearPolicy; where none is declared, null when the
// target schema allows it (or says nothing of the field), else the
// empty value when the schema allows that, else the field cannot be
// cleared and a record that empties it is reported divergent.

// Clearing is what an update sends for a field that became empty.
type Clearing struct {
	// OK is false when the field cannot be cleared; Reason then says why.
	OK bool
	// Value is sent for the field: nil (JSON null), "", []any{} or
	// map[string]any{}.
	Value  any
	Reason string
}

// Replaces reports whether the update of an entity replaces the whole
// record (its update, else upsert, declares replace): the system drops
// the fields the body leaves out, so nothing needs clearing. The method
// does not tell: many APIs merge a PUT's body into the record.
func (s *Spec) Replaces(e *Entity) bool {
	op := e.Update
	if op == nil {
		op = e.Upsert
	}
	return op != nil && op.Replace
}

// UpdateSchema returns the schema an entity's updates are sent as: the
// update operation's, else the upsert's; nil when unknown.
func (s *Spec) UpdateSchema(e *Entity) *openapi3.Schema {
	if e.Update != nil {
		return s.WriteSchema(e.Update)
	}
	return s.WriteSchema(e.Upsert)
}

// FieldClearing resolves what an update of entity e sends for top-level
// field when it became empty, from the field's clear policy and its
// schema in the update body.
func (s *Spec) FieldClearing(e *Entity, field string) Clearing {
	prop, known := property(s.UpdateSchema(e), field, 0)
	if prop == nil && known {
		// Not in the schema at all: nothing to go by but the policy.
		known = false
	}
	return ClearingOf(e.ClearOf(field), prop)
}

// ClearingOf resolves a clear policy against a field's schema (nil when
// the schema does not describe the field). A declared null is sent
// whatever the schema says (some partners accept null without declaring
// it); a declared empty value needs a type that has one.
func ClearingOf(policy ClearPolicy, prop *openapi3.Schema) Clearing {
	switch policy {
	case ClearOmit:
		return Clearing{Reason: `its clear policy is "omit"`}
	case ClearNull:
		return Clearing{OK: true}
	case ClearEmpty:
		v, err := emptyValue(prop, false)
		if err != nil {
			return Clearing{Reason: err.Error()}
		}
		return Clearing{OK: true, Value: v}
	}
	if prop == nil || nullable(prop) {
		return Clearing{OK: true}
	}
	v, err := emptyValue(prop, true)
	if err != nil {
		return Clearing{Reason: "its schema is not nullable and " + err.Error()}
	}
	return Clearing{OK: true, Value: v}
}

// nullable reports whether a schema admits null: nullable (OpenAPI 3.0)
// or "null" among its types (3.1), in the schema or an allOf part.
func nullable(s *openapi3.Schema) bool {
	if s.Nullable || (s.Type != nil && s.Type.Includes("null")) {
		return true
	}
	for _, part := range s.AllOf {
		if part.Value != nil && nullable(part.Value) {
			return true
		}
	}
	return false
}

// emptyValue is the empty value of a schema's type. With strict, the
// schema's constraints must admit it too (a format, an enum without "",
// a minimum length or a pattern refuse ""), as for the default policy;
// a declared policy only needs the type.
func emptyValue(s *openapi3.Schema, strict bool) (any, error) {
	typ := ""
	if s != nil {
		typ = schemaTypeOf(s)
	}
	switch typ {
	case "string":
		if strict {
			switch {
			case s.Format != "":
				return nil, fmt.Errorf("its format %q does not admit an empty string", s.Format)
			case len(s.Enum) > 0 && !slices.Contains(s.Enum, any("")):
				return nil, fmt.Errorf("its enum does not admit an empty string")
			case s.MinLength > 0:
				return nil, fmt.Errorf("its minLength does not admit an empty string")
			case s.Pattern != "" && !matchesEmpty(s.Pattern):
				return nil, fmt.Errorf("its pattern does not admit an empty string")
			}
		}
		return "", nil
	case "array":
		if strict && s.MinItems > 0 {
			return nil, fmt.Errorf("its minItems does not admit an empty array")
		}
		return []any{}, nil
	case "object":
		if strict && (len(s.Required) > 0 || s.MinProps > 0) {
			return nil, fmt.Errorf("its required members do not admit an empty object")
		}
		return map[string]any{}, nil
	case "":
		return nil, fmt.Errorf("its schema gives no type with an empty value")
	}
	article := "a"
	if typ == "integer" {
		article = "an"
	}
	return nil, fmt.Errorf("%s %s has no empty value", article, typ)
}

// matchesEmpty reports whether a schema pattern matches "".
func matchesEmpty(pattern string) bool {
	re, err := regexp.Compile(pattern)
	return err == nil && re.MatchString("")
}

// schemaTypeOf is the first non-null type of s or its allOf parts.
func schemaTypeOf(s *openapi3.Schema) string {
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t != "null" {
				return t
			}
		}
	}
	for _, part := range s.AllOf {
		if part.Value != nil {
			if t := schemaTypeOf(part.Value); t != "" {
				return t
			}
		}
	}
	return ""
}
