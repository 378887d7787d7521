package transforms

import "testing"

func TestStringFilters(t *testing.T) {
	t.Parallel()
	r := func(v any) Vars { return Vars{"r": map[string]any{"v": v, "l": []any{"a", 1, true}}} }
	runRenderCases(t, []renderCase{
		{name: "trim", src: `[{{ r.v|trim }}]`, vars: r("\t a b \n"), want: "[a b]"},
		{name: "truncate runes", src: `{{ r.v|truncate:3 }}`, vars: r("äöüß"), want: "äöü"},
		{name: "truncate short", src: `{{ r.v|truncate:10 }}`, vars: r("abc"), want: "abc"},
		{name: "truncate zero", src: `[{{ r.v|truncate:0 }}]`, vars: r("abc"), want: "[]"},
		{name: "lower", src: `{{ r.v|lower }}`, vars: r("ÖL"), want: "öl"},
		{name: "upper", src: `{{ r.v|upper }}`, vars: r("äß"), want: "ÄSS"},
		{name: "title", src: `{{ r.v|title }}`, vars: r("über den wolken"), want: "Über Den Wolken"},
		{name: "title double name", src: `{{ r.v|title }}`, vars: r("anna-lena SCHÄFER"), want: "Anna-Lena Schäfer"},
		{name: "title number", src: `{{ r.v|title }}`, vars: r(12), want: "12"},
		{name: "replace", src: `{{ r.v|replace:"-=>" }}`, vars: r("a-b-c"), want: "abc"},
		{name: "replace arrow in new", src: `{{ r.v|replace:"a=>b=>c" }}`, vars: r("a"), want: "b=>c"},
		{name: "regex", src: `{{ r.v|regex_replace:"(\\w+)@(\\w+)=>$2 at $1" }}`, vars: r("anna@home"), want: "home at anna"},
		{name: "split join", src: `{{ r.v|split:";"|join:"," }}`, vars: r("a; b;;c "), want: "a,b,c"},
		{name: "split empty", src: `[{{ r.v|split:";" }}]`, vars: r(""), want: "[]"},
		{name: "join list", src: `{{ r.l|join:"/" }}`, vars: r(nil), want: "a/1/true"},
		{name: "join scalar", src: `{{ r.v|join:"/" }}`, vars: r("x"), want: "x"},
		{name: "slug", src: `{{ r.v|slug }}`, vars: r("  Café Größe: 12/B  "), want: "cafe-groesse-12-b"},
		{name: "slug empty", src: `[{{ r.v|slug }}]`, vars: r("!!"), want: "[]"},
	})
}

func TestStringArgumentErrors(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{
		`{{ r|replace:"ab" }}`, `{{ r|replace:"=>b" }}`, `{{ r|regex_replace:"(=>x" }}`, `{{ r|split:"" }}`,
		`{{ r|split }}`, `{{ r|join }}`, `{{ r|truncate }}`,
	} {
		if _, err := env.Compile(src); err == nil {
			t.Errorf("Compile(%s) accepted a bad argument", src)
		}
	}
}
