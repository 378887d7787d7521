package transforms

import (
	"errors"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// SchemaViolation is the error of a FieldError when the mapped record
// breaks a rule of the target schema. Its message is the schema's reason
// only (kin-openapi's full message repeats the schema and the value);
// errors.As finds the *openapi3.SchemaError inside.
type SchemaViolation struct {
	Reason string
	Err    *openapi3.SchemaError
}

func (e *SchemaViolation) Error() string { return e.Reason }

func (e *SchemaViolation) Unwrap() error { return e.Err }

// validate checks out against the target schema and records every
// violation not already explained by a field error.
func (b *recordBuilder) validate(out map[string]any) {
	if b.m.target == nil || b.m.check != nil && b.m.check.valid(out) {
		return
	}
	err := b.m.target.VisitJSON(out, openapi3.MultiErrors())
	if err == nil {
		return
	}
	known := make([]string, len(b.errs))
	for i, fe := range b.errs {
		known[i] = fe.Field
	}
	for _, fe := range schemaFieldErrors(err, nil) {
		if !related(fe.Field, known) {
			b.errs = append(b.errs, fe)
		}
	}
}

// schemaFieldErrors flattens kin-openapi's errors into field errors.
func schemaFieldErrors(err error, out []FieldError) []FieldError {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			out = schemaFieldErrors(inner, out)
		}
		return out
	case *openapi3.SchemaError:
		var parts openapi3.MultiError
		if e.SchemaField == "allOf" && errors.As(e.Origin, &parts) {
			return schemaFieldErrors(parts, out)
		}
		fe := FieldError{Field: pointer(e.JSONPointer()), Err: &SchemaViolation{Reason: e.Reason, Err: e}}
		if _, composite := e.Value.(map[string]any); !composite {
			if _, isList := e.Value.([]any); !isList && e.Value != nil {
				fe.Value = clip(text(e.Value))
			}
		}
		return append(out, fe)
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return schemaFieldErrors(se, out)
	}
	return append(out, FieldError{Err: err})
}

// pointer joins path parts into a JSON pointer.
func pointer(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(jsonptr.Escape(p))
	}
	return b.String()
}

// related reports whether ptr is, contains or lies inside one of known.
// The record itself ("") is no field's container here: its violations
// (such as an unsupported property) are always reported.
func related(ptr string, known []string) bool {
	for _, k := range known {
		if ptr == k || strings.HasPrefix(ptr, k+"/") || ptr != "" && strings.HasPrefix(k, ptr+"/") {
			return true
		}
	}
	return false
}

// sortFieldErrors orders errors by field, keeping the order of errors of
// one field.
func sortFieldErrors(errs []FieldError) []FieldError {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
	return errs
}
