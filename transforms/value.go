package transforms

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/flosch/pongo2/v6"
	"github.com/shopspring/decimal"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// Vars are the variables a template sees, by name: record objects as
// decoded from JSON (map[string]any, numbers preferably as json.Number),
// "instance", and included records. Keys must be identifiers
// ([A-Za-z0-9_]). Templates only read Vars; they are never modified.
type Vars map[string]any

// calendarDate is a day without time of day and zone (2024-01-31). It is
// kept apart from instants so that converting zones never shifts the day.
// t is midnight UTC of the day.
type calendarDate struct{ t time.Time }

func (d calendarDate) String() string { return d.t.Format(time.DateOnly) }

// text is the canonical string form of a value: numbers in shortest
// decimal notation (never exponent or binary expansion), booleans as
// true/false, instants as RFC 3339, lists and objects as JSON.
func text(v any) string {
	if s, ok := jsonvalue.Text(v); ok {
		return s
	}
	switch v := v.(type) {
	case nil:
		return ""
	case *pongo2.Value:
		return text(v.Interface())
	case decimal.Decimal:
		return v.String()
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case calendarDate:
		return v.String()
	case fmt.Stringer:
		return v.String()
	}
	return textOther(v)
}

// textOther formats the less common kinds: other integers, lists, objects.
func textOther(v any) string {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Slice, reflect.Array, reflect.Map:
		b, err := json.Marshal(normalize(v))
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	case reflect.Pointer:
		if rv.IsNil() {
			return ""
		}
		return text(rv.Elem().Interface())
	}
	return fmt.Sprint(v)
}

// isEmpty reports whether v counts as no value: nil, a blank string, an
// empty list or object.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case json.Number:
		return v == ""
	case []any:
		return len(v) == 0
	case []string:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	case *pongo2.Value:
		return isEmpty(v.Interface())
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// clip cuts s to 64 runes for error messages.
func clip(s string) string {
	const limit = 64
	n := 0
	for i := range s {
		if n == limit {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// asList returns v as a list when it is one (any slice or array).
func asList(v any) ([]any, bool) {
	switch v := v.(type) {
	case []any:
		return v, true
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	if rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false // []byte is text, not a list
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// normalize returns a deep copy of v made of JSON types only: nil, bool,
// string, json.Number, []any and map[string]any. Numbers become
// json.Number in shortest decimal form; instants become RFC 3339 text.
func normalize(v any) any {
	switch v := v.(type) {
	case nil, bool, string:
		return v
	case json.Number:
		return v
	case map[string]any:
		return normalizeMap(v)
	case Vars:
		return normalizeMap(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return text(v)
		}
		return json.Number(text(v))
	case float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, decimal.Decimal:
		return json.Number(text(v))
	case *pongo2.Value:
		return normalize(v.Interface())
	}
	if l, ok := asList(v); ok {
		return normalize(l)
	}
	return text(v)
}

func normalizeMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = normalize(e)
	}
	return out
}
