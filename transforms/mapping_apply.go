package transforms

import (
	"errors"
	"fmt"
	"io"
)

// Apply maps one record. vars holds the record and everything its
// templates read. The result holds only JSON types (string, bool, nil,
// json.Number, []any, map[string]any), so json.Marshal of it is stable and
// can be hashed. Its error is a *RecordError naming every failing field;
// Apply never panics. A record the chosen branch of a composed target
// refuses is written as the first other branch accepting it makes it; if
// none does, the chosen branch's errors are returned.
func (m *Mapping) Apply(vars Vars) (map[string]any, error) {
	out, err := m.apply(vars)
	if err == nil {
		return out, nil
	}
	for _, alt := range m.alternates {
		if alt, altErr := alt.apply(vars); altErr == nil {
			return alt, nil
		}
	}
	return out, err
}

// apply maps one record against the mapping's branch.
func (m *Mapping) apply(vars Vars) (out map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &RecordError{Fields: []FieldError{{Err: fmt.Errorf("mapping failed: %v", r)}}}
		}
		if re, ok := err.(*RecordError); ok {
			re.Branch = m.branch.String()
		}
	}()
	if m.root == nil {
		return m.applyIdentity(vars)
	}
	if err := checkVars(vars); err != nil {
		return nil, &RecordError{Fields: []FieldError{{Err: err}}}
	}
	b := &recordBuilder{m: m, budget: newBudget(m.limits)}
	if err := b.evaluate(vars); err != nil {
		return nil, &RecordError{Fields: []FieldError{*err}}
	}
	out, _ = b.object(m.root)
	if out == nil {
		out = map[string]any{}
	}
	b.validate(out)
	if len(b.errs) > 0 {
		return nil, &RecordError{Fields: sortFieldErrors(b.errs)}
	}
	return out, nil
}

func (m *Mapping) applyIdentity(vars Vars) (map[string]any, error) {
	var rec map[string]any
	switch r := vars[IdentityVar].(type) {
	case map[string]any:
		rec = r
	case Vars:
		rec = r
	default:
		return nil, &RecordError{Fields: []FieldError{{Err: errNoRecord}}}
	}
	out := normalizeMap(rec)
	b := &recordBuilder{m: m}
	b.validate(out)
	if len(b.errs) > 0 {
		return nil, &RecordError{Fields: sortFieldErrors(b.errs)}
	}
	return out, nil
}

// recordBuilder holds the state of one Apply.
type recordBuilder struct {
	m      *Mapping
	budget *budget
	// vals holds each leaf's value or error, by leaf index.
	vals []leafValue
	errs []FieldError
}

// leafValue is what a leaf's template gave: a value, or the error.
type leafValue struct {
	v   any
	err error
}

// evaluate computes every template's value. A template that exceeds the
// limits of the record's render stops it: the error names that field, or
// the record when the batch exceeded them.
func (b *recordBuilder) evaluate(vars Vars) *FieldError {
	leaves := b.m.leaves
	b.vals = make([]leafValue, len(leaves))
	written := b.budget.written
	batched := b.m.batch != nil && b.runBatch(vars)
	if err := b.budget.exceeded(); err != nil {
		return &FieldError{Err: &TemplateError{Err: err}}
	}
	if !batched {
		// The fields run one by one and count their output again.
		b.budget.written = written
	}
	for i, l := range leaves {
		if batched && b.m.inBatch[i] {
			continue
		}
		v, err := l.tpl.eval(vars, b.budget)
		if errors.Is(err, ErrLimit) {
			return &FieldError{Field: l.ptr, Err: err}
		}
		b.vals[i] = leafValue{v, err}
	}
	return nil
}

// runBatch evaluates the batched templates in one pongo2 run. It reports
// false when the run failed; the fields then run one by one, which names
// every failing field.
func (b *recordBuilder) runBatch(vars Vars) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	s := &sink{vals: make([]any, 0, len(b.m.batched))}
	if err := b.m.batch.ExecuteWriterUnbuffered(renderContext(vars, s, b.budget), io.Discard); err != nil {
		return false
	}
	if len(s.vals) != len(b.m.batched) {
		return false
	}
	for k, i := range b.m.batched {
		b.vals[i].v = s.vals[k]
	}
	return true
}

// value builds the output of node n; present is false when it is left
// out.
func (b *recordBuilder) value(n *node) (any, bool) {
	switch {
	case n.isConst:
		return n.constant, true
	case n.leaf >= 0:
		return b.leaf(n)
	case n.isArray:
		return b.array(n)
	}
	return b.object(n)
}

func (b *recordBuilder) leaf(n *node) (any, bool) {
	l := b.m.leaves[n.leaf]
	if err := b.vals[n.leaf].err; err != nil {
		b.fail(n.ptr, err, nil)
		return nil, false
	}
	v := b.vals[n.leaf].v
	out, present, err := coerce(v, l.field)
	switch {
	case err != nil:
		b.fail(n.ptr, err, v)
	case !present && n.required:
		b.fail(n.ptr, ErrRequiredField, nil)
	}
	return out, present
}

func (b *recordBuilder) object(n *node) (map[string]any, bool) {
	failed := len(b.errs)
	out := make(map[string]any, len(n.children))
	for _, c := range n.children {
		if v, ok := b.value(c); ok {
			out[c.key] = v
		}
	}
	return out, b.present(n, len(out) > 0, failed)
}

func (b *recordBuilder) array(n *node) ([]any, bool) {
	failed := len(b.errs)
	out := make([]any, 0, len(n.children))
	for _, c := range n.children {
		if v, ok := b.value(c); ok {
			out = append(out, v)
		}
	}
	return out, b.present(n, len(out) > 0, failed)
}

// present leaves out an empty object or array, which is an error when the
// schema requires it and none of its members failed already (errs held
// failed errors before the members were built).
func (b *recordBuilder) present(n *node, nonEmpty bool, failed int) bool {
	if nonEmpty || n.ptr == "" {
		return true
	}
	if n.required && len(b.errs) == failed {
		b.fail(n.ptr, ErrRequiredField, nil)
	}
	return false
}

// fail records a failing field.
func (b *recordBuilder) fail(ptr string, err error, value any) {
	fe := FieldError{Field: ptr, Err: err}
	var filterErr *FilterError
	if errors.As(err, &filterErr) {
		fe.Filter, fe.Value = filterErr.Filter, filterErr.Value
	} else if value != nil {
		fe.Value = clip(text(value))
	}
	b.errs = append(b.errs, fe)
}
