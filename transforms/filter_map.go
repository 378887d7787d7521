package transforms

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flosch/pongo2/v6"
)

func valueFilters() []filterDef {
	return []filterDef{
		{FilterInfo{
			Name: "map", Category: "values", Argument: `"from=to,from=to,*=default"`,
			Description: "Replaces a value by the one listed for it. Keys are matched after trimming, ignoring case; `*` gives the value for anything unlisted. Without `*` an unlisted value is an error naming it and the listed keys. Keys and values cannot contain \",\" or \"=\". Empty stays empty.",
			Example:     `{{ "Büro"|map:"Wohnung=living,Büro=commercial,*=other" }}`, Result: "commercial",
		}, filterMap},
		{FilterInfo{
			Name: "default", Category: "values", Argument: "value",
			Description: "Gives the argument when the value is empty (missing, null, blank text, empty list). Unlike pongo2's default, 0 and false are kept.",
			Example:     `{{ ""|default:"unknown" }}`, Result: "unknown",
		}, filterDefault},
		{FilterInfo{
			Name: "coalesce", Category: "values", Argument: "value (usually another field)",
			Description: "The first non-empty of the value and the argument; chain it for more candidates.",
			Example:     `{{ ""|coalesce:"0171 555"|coalesce:"030 123" }}`, Result: "0171 555",
		}, filterDefault},
	}
}

// valueMap is a parsed map argument.
type valueMap struct {
	to       map[string]string
	keys     []string // as written, for messages
	fallback *string
}

var valueMapCache argCache[valueMap]

// mapKey is how map keys and values are compared.
func mapKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func parseValueMap(s string) (valueMap, error) {
	m := valueMap{to: make(map[string]string)}
	for _, entry := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(entry, "=")
		if !ok {
			return m, fmt.Errorf("entry %q has no \"=\"; write from=to", strings.TrimSpace(entry))
		}
		if err := m.add(strings.TrimSpace(from), strings.TrimSpace(to)); err != nil {
			return m, err
		}
	}
	return m, nil
}

func (m *valueMap) add(from, to string) error {
	switch {
	case from == "*" && m.fallback != nil:
		return errors.New("the default * is given twice")
	case from == "*":
		m.fallback = &to
	case from == "":
		return errors.New("an entry has an empty key")
	default:
		k := mapKey(from)
		if prev, dup := m.to[k]; dup && prev != to {
			return fmt.Errorf("key %q is mapped twice, to %q and %q", from, prev, to)
		}
		m.to[k] = to
		m.keys = append(m.keys, from)
	}
	return nil
}

func filterMap(in, arg *pongo2.Value) (any, error) {
	s, err := stringArg(arg, true, `entries such as "Wohnung=living,*=other"`)
	if err != nil {
		return nil, err
	}
	m, err := valueMapCache.get(s, parseValueMap)
	if err != nil {
		return nil, argError(arg, "%v", err)
	}
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	if to, ok := m.to[mapKey(text(v))]; ok {
		return to, nil
	}
	if m.fallback != nil {
		return *m.fallback, nil
	}
	return nil, fmt.Errorf("no mapping for this value; mapped are: %s (add *=... for a default)", strings.Join(m.keys, ", "))
}

func filterDefault(in, arg *pongo2.Value) (any, error) {
	if isEmpty(in.Interface()) {
		return arg, nil
	}
	return in, nil
}
