package transforms

import (
	"fmt"
	"strings"

	"github.com/flosch/pongo2/v6"
)

func keyFilters() []filterDef {
	return []filterDef{
		{FilterInfo{Name: "append", Category: "keys", Argument: "value",
			Description: "Makes a list of the value followed by the argument; on a list it adds the argument at the end. pongo2 has no list literals, so lists of fields are built with append, usually for key.",
			Example:     `{{ "1001"|append:"17"|append:"3"|join:"," }}`, Result: "1001,17,3"}, filterAppend},
		{FilterInfo{Name: "key", Category: "keys", Argument: `separator: "-", "_", ".", "/" or "|"`,
			Description: "Joins the parts of a composite key with the separator. An empty part, or a part containing the separator, is an error, because the key could then be read in two ways. Build the parts with append: `{{ unit.client_no|append:unit.eu_no|key:\"-\" }}`.",
			Example:     `{{ "1001"|append:"17"|key:"-" }}`, Result: "1001-17"}, filterKey},
	}
}

func filterAppend(in, arg *pongo2.Value) (any, error) {
	v := in.Interface()
	list, ok := asList(v)
	if !ok {
		list = []any{v}
	}
	out := make([]any, len(list), len(list)+1)
	copy(out, list)
	return append(out, arg.Interface()), nil
}

func filterKey(in, arg *pongo2.Value) (any, error) {
	sep, err := stringArg(arg, true, `the separator, as in key:"-"`)
	if err != nil {
		return nil, err
	}
	if len(sep) != 1 || !strings.Contains("-_./|", sep) {
		return nil, argError(arg, `the separator must be one of "-", "_", ".", "/", "|"`)
	}
	list, ok := asList(in.Interface())
	if !ok {
		list = []any{in.Interface()}
	}
	parts := make([]string, len(list))
	for i, p := range list {
		s := text(p)
		switch {
		case isEmpty(p):
			return nil, fmt.Errorf("part %d of the key is empty", i+1)
		case strings.Contains(s, sep):
			return nil, fmt.Errorf("part %d of the key (%q) contains the separator %q", i+1, clip(s), sep)
		}
		parts[i] = s
	}
	return strings.Join(parts, sep), nil
}
