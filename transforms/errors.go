package transforms

import (
	"errors"
	"fmt"
	"strings"
)

// ErrRequired is wrapped by the error of the `required` filter when its
// value is empty.
var ErrRequired = errors.New("required value is empty")

// ErrRequiredField is the error of a FieldError when a template of a field
// the target schema requires rendered empty.
var ErrRequiredField = errors.New("required field is empty")

// FilterError reports a filter that failed on a value. Template.Render and
// Mapping.Apply return it (the latter inside a FieldError) so that callers
// can name the filter and the value; use errors.As to find it.
type FilterError struct {
	// Filter is the filter's name ("decimal").
	Filter string
	// Value is the string form of the filter's input, cut to 64 characters.
	Value string
	// Line and Column locate the filter in the template; zero when unknown.
	Line, Column int
	// Err says what is wrong with the value. It is an *ArgumentError when
	// the filter's argument, not the value, is at fault.
	Err error
}

func (e *FilterError) Error() string {
	var ae *ArgumentError
	if errors.As(e.Err, &ae) {
		return e.Err.Error()
	}
	return fmt.Sprintf("filter %q on %q: %v", e.Filter, e.Value, e.Err)
}

func (e *FilterError) Unwrap() error { return e.Err }

// ArgumentError reports a filter argument that cannot be used, such as a
// malformed value map or an unknown time zone. It is a mistake in the
// template, not in the data; Compile reports it when it shows on a dry run.
type ArgumentError struct {
	// Filter is the filter's name.
	Filter string
	// Argument is the argument as given.
	Argument string
	// Err says what is wrong and how to write it.
	Err error
	// missing is set when no argument was given (or it came from a
	// variable that is empty).
	missing bool
}

func (e *ArgumentError) Error() string {
	return fmt.Sprintf("argument %q of filter %q: %v", e.Argument, e.Filter, e.Err)
}

func (e *ArgumentError) Unwrap() error { return e.Err }

// TemplateError reports a template that does not compile, or that failed
// while rendering for a reason other than a filter (such as reading a field
// of a text). Line and Column are 1-based positions inside the template.
type TemplateError struct {
	Line, Column int
	// Near is the text of the token the error was found at, if known.
	Near string
	Err  error
}

func (e *TemplateError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d", e.Line, e.Column)
		if e.Near != "" {
			fmt.Fprintf(&b, " near %q", e.Near)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *TemplateError) Unwrap() error { return e.Err }

// Problem is one template of a mapping that does not compile.
type Problem struct {
	// Field is the JSON pointer of the template inside the mapping
	// ("/meta/source").
	Field string
	// Err is usually a *TemplateError.
	Err error
}

// CompileError lists every broken template of a mapping.
type CompileError struct {
	Problems []Problem
}

func (e *CompileError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = fmt.Sprintf("%s: %v", p.Field, p.Err)
	}
	return fmt.Sprintf("mapping does not compile (%d problems): %s", len(e.Problems), strings.Join(parts, "; "))
}

// Unwrap returns the problems' errors, for errors.Is and errors.As.
func (e *CompileError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p.Err
	}
	return errs
}

// FieldError is one field of a record that could not be mapped.
type FieldError struct {
	// Field is the JSON pointer of the target field ("/coldRent"); empty
	// for the record as a whole.
	Field string
	// Filter is the name of the filter that failed, or "".
	Filter string
	// Value is the string form of the offending value, cut to 64
	// characters. It may hold personal data: mask it where the field is
	// personal.
	Value string
	// Err says what is wrong.
	Err error
}

func (e FieldError) Error() string {
	var b strings.Builder
	if e.Field != "" {
		b.WriteString(e.Field)
	} else {
		b.WriteString("record")
	}
	b.WriteString(": ")
	var fe *FilterError
	if errors.As(e.Err, &fe) {
		b.WriteString(fe.Error())
		return b.String()
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "value %q: ", e.Value)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e FieldError) Unwrap() error { return e.Err }

// RecordError collects every field of one record that failed, sorted by
// field.
type RecordError struct {
	Fields []FieldError
	// Branch names the branch of a composed target schema the record was
	// checked against ("oneOf/1 (#/components/schemas/Item)"); empty when
	// the target was taken whole.
	Branch string
}

func (e *RecordError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	msg := strings.Join(parts, "; ")
	if e.Branch != "" {
		msg += " (checked against " + e.Branch + " of the target schema)"
	}
	return msg
}

// Unwrap returns the field errors, for errors.Is and errors.As.
func (e *RecordError) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}
