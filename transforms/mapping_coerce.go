package transforms

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// coerce converts the value of a template to the type of its target field.
// present is false when the value is empty and the field is left out.
func coerce(v any, f field) (out any, present bool, err error) {
	if isEmpty(v) {
		return nil, false, nil
	}
	switch f.typ {
	case "string":
		out, err = coerceString(v, f.format)
	case "integer":
		out, err = coerceInteger(v)
	case "number":
		out, err = coerceNumber(v)
	case "boolean":
		out, err = parseBool(v)
	case "array":
		out, err = coerceArray(v, f.items)
	case "object":
		out, err = coerceObject(v)
	default:
		out = normalize(v)
	}
	return out, err == nil, err
}

func coerceString(v any, format string) (any, error) {
	if _, isList := asList(v); isList {
		return nil, errors.New("a list cannot be written to a text field")
	}
	if _, isObject := v.(map[string]any); isObject {
		return nil, errors.New("an object cannot be written to a text field")
	}
	switch format {
	case "date":
		return coerceDate(v)
	case "date-time":
		return coerceDateTime(v)
	}
	if _, isText := v.(string); isText {
		return v, nil // already boxed: no new allocation
	}
	return text(v), nil
}

func coerceDate(v any) (any, error) {
	if s, ok := v.(string); ok && isPlainDate(s) {
		return v, nil // what parsing and formatting it would give, boxed already
	}
	m, _, err := toMoment(v)
	if err != nil {
		return nil, fmt.Errorf("not a date for a date field: %w", err)
	}
	return m.t.Format(time.DateOnly), nil
}

func coerceDateTime(v any) (any, error) {
	m, _, err := toMoment(v)
	if err != nil {
		return nil, fmt.Errorf("not an instant for a date-time field: %w", err)
	}
	if m.dateOnly {
		return nil, errors.New(`a date without time for a date-time field; place it in a zone, as in |tz:"Europe/Berlin"`)
	}
	return m.t.Format(time.RFC3339Nano), nil
}

func coerceNumber(v any) (any, error) {
	switch n := v.(type) {
	case fixed:
		return json.Number(n.String()), nil // keeps the places decimal wrote
	case json.Number:
		if _, err := n.Float64(); err == nil {
			return n, nil
		}
	}
	d, _, err := parseNumber(v)
	if err != nil {
		return nil, fmt.Errorf("not a number for a number field: %w", err)
	}
	return json.Number(d.String()), nil
}

func coerceInteger(v any) (any, error) {
	d, _, err := parseNumber(v)
	if err != nil {
		return nil, fmt.Errorf("not a whole number for an integer field: %w", err)
	}
	if !d.IsInteger() {
		return nil, errors.New("not a whole number for an integer field")
	}
	return json.Number(d.Truncate(0).String()), nil
}

// coerceArray converts a list element by element; empty elements are left
// out.
func coerceArray(v any, items *field) (any, error) {
	list, ok := asList(v)
	if !ok {
		return nil, errors.New(`not a list for an array field (split text into a list with |split:",")`)
	}
	out := make([]any, 0, len(list))
	for i, e := range list {
		c, present, err := coerce(e, *items)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		if present {
			out = append(out, c)
		}
	}
	return out, nil
}

func coerceObject(v any) (any, error) {
	switch m := v.(type) {
	case map[string]any:
		return normalizeMap(m), nil
	case Vars:
		return normalizeMap(m), nil
	}
	return nil, errors.New("not an object for an object field")
}
