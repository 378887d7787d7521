package connectors

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// mismatches counts, in warn mode, the requests and responses that do not
// match the spec, by operation, direction and field, so that a run logs
// each once with its count instead of the whole schema on every page. It
// is safe for concurrent use.
type mismatches struct {
	mu    sync.Mutex
	byKey map[mismatch]int
	order []mismatch // first seen first
}

// mismatch is one way a message of an operation fails its schema.
type mismatch struct {
	operation, direction string
	// field is the JSON pointer of the value in the body, array indices
	// written as "*" so that every record of a page counts as one field;
	// empty for a mismatch that is not about a field (a status or a
	// content type the spec does not list).
	field    string
	expected string // what the schema wants ("a string", "required")
	got      string // the kind of value sent ("a number"), or the reason
}

// maxMismatches bounds the distinct mismatches kept; more are counted
// under the last one kept.
const maxMismatches = 1000

// add counts the mismatches err (from openapi3filter) describes.
func (m *mismatches) add(op, direction string, err error, r *redactor) {
	found := describeMismatches(op, direction, err, r)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byKey == nil {
		m.byKey = map[mismatch]int{}
	}
	for _, k := range found {
		if _, seen := m.byKey[k]; !seen {
			if len(m.order) >= maxMismatches {
				k = m.order[len(m.order)-1]
			} else {
				m.order = append(m.order, k)
			}
		}
		m.byKey[k]++
	}
}

// flush logs each mismatch counted with its count, and forgets them.
func (m *mismatches) flush(ctx context.Context, log *slog.Logger) {
	m.mu.Lock()
	order, counts := m.order, m.byKey
	m.order, m.byKey = nil, nil
	m.mu.Unlock()
	for _, k := range order {
		attrs := []any{"operation", k.operation, "direction", k.direction}
		if k.field != "" {
			attrs = append(attrs, "field", cmp.Or(k.field, "/"))
		}
		attrs = append(attrs, "expected", k.expected, "got", k.got, "count", counts[k],
			"hint", "fix the spec's "+k.direction+" schema where the system is right, or ask its vendor; validation off stops these checks")
		log.WarnContext(ctx, "does not match the spec", attrs...)
	}
}

// describeMismatches turns a validation error into its mismatches: one
// per schema error, or one for the whole error when it holds none.
func describeMismatches(op, direction string, err error, r *redactor) []mismatch {
	var found []schemaErr
	collectSchemaErrors(err, &found)
	if len(found) == 0 {
		return []mismatch{{operation: op, direction: direction, expected: "the spec's " + direction, got: shortReason(r.redact(err.Error()))}}
	}
	out := make([]mismatch, 0, len(found))
	for _, f := range found {
		out = append(out, mismatch{operation: op, direction: direction, field: fieldOf(f.path),
			expected: expectedOf(f.err), got: gotOf(f.err, r)})
	}
	return out
}

// schemaErr is a schema error with its path from the body's root.
type schemaErr struct {
	err  *openapi3.SchemaError
	path []string
}

// collectSchemaErrors finds the innermost schema errors in err's tree: an
// error of allOf, anyOf or oneOf holds those of its parts in its Origin.
func collectSchemaErrors(err error, out *[]schemaErr) {
	switch e := err.(type) {
	case nil:
		return
	case *openapi3.SchemaError:
		n := len(*out)
		collectSchemaErrors(e.Origin, out)
		if len(*out) == n {
			*out = append(*out, schemaErr{err: e, path: e.JSONPointer()})
		}
		return
	case openapi3.MultiError:
		for _, x := range e {
			collectSchemaErrors(x, out)
		}
		return
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			collectSchemaErrors(x, out)
		}
		return
	}
	collectSchemaErrors(errors.Unwrap(err), out)
}

// fieldOf writes a schema error's path as a JSON pointer, indices as "*".
func fieldOf(path []string) string {
	var b strings.Builder
	for _, step := range path {
		if _, err := strconv.Atoi(step); err == nil {
			step = "*"
		}
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(step))
	}
	return b.String()
}

// expectedOf says what the schema wanted: the type for a type mismatch,
// else the keyword that failed.
func expectedOf(se *openapi3.SchemaError) string {
	if se.SchemaField == "type" && se.Schema != nil && se.Schema.Type != nil {
		kinds := slices.Clone(se.Schema.Type.Slice())
		if se.Schema.Nullable {
			kinds = append(kinds, "null")
		}
		return strings.Join(kinds, " or ")
	}
	return cmp.Or(se.SchemaField, "a valid value")
}

// gotOf says what came instead: the kind of value for a type mismatch,
// else kin-openapi's reason (which never quotes the value).
func gotOf(se *openapi3.SchemaError, r *redactor) string {
	if se.SchemaField == "type" {
		return jsonvalue.Kind(se.Value)
	}
	return shortReason(r.redact(se.Reason))
}

// shortReason keeps the first line of a reason, at most 200 bytes.
func shortReason(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "..."
	}
	return s
}
