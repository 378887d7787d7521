package transforms

import (
	"encoding/json"
	"testing"
)

func TestConvertFilters(t *testing.T) {
	t.Parallel()
	r := func(v any) Vars { return Vars{"r": map[string]any{"v": v}} }
	runRenderCases(t, []renderCase{
		{name: "string float", src: `x{{ r.v|string }}`, vars: r(2.5), want: "x2.5"},
		{name: "string number", src: `{{ r.v|string }}`, vars: r(json.Number("1e3")), want: "1e3"},
		{name: "int", src: `{{ r.v|int }}`, vars: r("1.234.567"), want: "1234567"},
		{name: "int float", src: `{{ r.v|int }}`, vars: r(3.0), want: "3"},
		{name: "int fraction", src: `{{ r.v|int }}`, vars: r("1,5"), fail: "int"},
		{name: "int text", src: `{{ r.v|int }}`, vars: r("drei"), fail: "int"},
		{name: "bool ja", src: `{{ r.v|bool }}`, vars: r("JA"), want: "true"},
		{name: "bool 0", src: `{{ r.v|bool }}`, vars: r(json.Number("0")), want: "false"},
		{name: "bool false", src: `{{ r.v|bool }}`, vars: r(false), want: "false"},
		{name: "bool empty", src: `[{{ r.v|bool }}]`, vars: r(""), want: "[]"},
		{name: "bool maybe", src: `{{ r.v|bool }}`, vars: r("vielleicht"), fail: "bool"},
	})
}
