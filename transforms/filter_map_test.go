package transforms

import (
	"errors"
	"strings"
	"testing"
)

func TestValueFilters(t *testing.T) {
	t.Parallel()
	r := func(v any) Vars { return Vars{"r": map[string]any{"v": v, "other": "fallback", "none": nil}} }
	const usage = `"Wohnung=living, Wohnraum=living,Büro=commercial ,*=other"`
	runRenderCases(t, []renderCase{
		{name: "map", src: `{{ r.v|map:` + usage + ` }}`, vars: r("Wohnung"), want: "living"},
		{name: "map ignores case and space", src: `{{ r.v|map:` + usage + ` }}`, vars: r("  BÜRO "), want: "commercial"},
		{name: "map default", src: `{{ r.v|map:` + usage + ` }}`, vars: r("Garage"), want: "other"},
		{name: "map number", src: `{{ r.v|map:"1=one,2=two" }}`, vars: r(2), want: "two"},
		{name: "map empty stays empty", src: `[{{ r.v|map:"a=b" }}]`, vars: r(""), want: "[]"},
		{name: "map to empty", src: `[{{ r.v|map:"a=,*=x" }}]`, vars: r("A"), want: "[]"},
		{name: "map unmapped", src: `{{ r.v|map:"Wohnung=living,Büro=commercial" }}`, vars: r("Garage"), fail: "map"},
		{name: "default on empty", src: `{{ r.v|default:"x" }}`, vars: r("  "), want: "x"},
		{name: "default on nil", src: `{{ r.v|default:r.other }}`, vars: r(nil), want: "fallback"},
		{name: "default keeps zero", src: `{{ r.v|default:"x" }}`, vars: r(0), want: "0"},
		{name: "default keeps false", src: `{{ r.v|default:"x" }}`, vars: r(false), want: "false"},
		{name: "default single quotes", src: `[{{ r.v|default:'' }}]`, vars: r(nil), want: "[]"},
		{name: "coalesce", src: `{{ r.v|coalesce:r.none|coalesce:r.other }}`, vars: r(""), want: "fallback"},
		{name: "coalesce keeps value", src: `{{ r.v|coalesce:r.other }}`, vars: r("own"), want: "own"},
	})
}

func TestMapErrorNamesOptions(t *testing.T) {
	t.Parallel()
	tpl, err := NewEnv().Compile(`{{ r|map:"Wohnung=living,Büro=commercial" }}`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Render(Vars{"r": "Garage"})
	var fe *FilterError
	if !errors.As(err, &fe) || fe.Value != "Garage" || !strings.Contains(err.Error(), "Wohnung, Büro") {
		t.Errorf("error %v does not name the value and the options", err)
	}
}

func TestMapArgumentErrors(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{
		`{{ r|map:"a" }}`, `{{ r|map:"a=b,a=c" }}`, `{{ r|map:"*=a,*=b" }}`, `{{ r|map:"=x" }}`, `{{ r|map }}`,
	} {
		_, err := env.Compile(src)
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Filter != "map" {
			t.Errorf("Compile(%s) = %v, want an ArgumentError of map", src, err)
		}
	}
}
