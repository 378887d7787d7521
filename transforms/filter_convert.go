package transforms

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/flosch/pongo2/v6"
)

func convertFilters() []filterDef {
	return []filterDef{
		{FilterInfo{Name: "string", Category: "conversions",
			Description: "Writes the value as text: numbers in plain decimal notation, booleans as true/false, instants as RFC 3339, lists as JSON. Use it where pongo2 would otherwise print a float as 1.500000 or a boolean as True.",
			Example:     `{{ true|string }}`, Result: "true"}, filterString},
		{FilterInfo{Name: "int", Category: "conversions",
			Description: "Reads a whole number (\"12\", \"12.00\", \"1.234.567\"); a fraction is an error, not rounded. Empty stays empty.",
			Example:     `{{ "12.00"|int }}`, Result: "12"}, filterInt},
		{FilterInfo{Name: "bool", Category: "conversions",
			Description: "Reads a yes/no value: true/false, 1/0, yes/no, ja/nein, y/n, j/n, on/off, wahr/falsch (any case). Anything else is an error; empty stays empty.",
			Example:     `{{ "Ja"|bool }}`, Result: "true"}, filterBool},
	}
}

func filterString(in, _ *pongo2.Value) (any, error) {
	return text(in.Interface()), nil
}

func filterInt(in, _ *pongo2.Value) (any, error) {
	d, ok, err := parseNumber(in.Interface())
	if !ok {
		return nil, err
	}
	if !d.IsInteger() {
		return nil, errors.New("not a whole number")
	}
	return json.Number(d.Truncate(0).String()), nil
}

func filterBool(in, _ *pongo2.Value) (any, error) {
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	return parseBool(v)
}

// parseBool reads the yes/no words of filterBool.
func parseBool(v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	switch strings.ToLower(strings.TrimSpace(text(v))) {
	case "true", "1", "yes", "ja", "y", "j", "on", "wahr":
		return true, nil
	case "false", "0", "no", "nein", "n", "off", "falsch":
		return false, nil
	}
	return false, errors.New("not a yes/no value (true/false, 1/0, yes/no, ja/nein, on/off)")
}
