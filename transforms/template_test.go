package transforms

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// chainVars are records of different shapes for comparing evaluations.
var chainVars = []Vars{
	nil,
	{"a": map[string]any{"b": "Text", "n": json.Number("1234.5"), "f": 12.25, "nil": nil,
		"list": []any{"x", "y"}, "m": map[string]any{"k": "v"}, "de": "1.234,50", "d": "31.12.2024",
		"bad": "1.234", "empty": " ", "t": true}},
	{"a": map[string]any{"b": json.Number("7"), "m": "not an object", "n": "x"}},
	{"a": "text", "z": map[string]any{"w": decimal.RequireFromString("1.50")}},
	{"a": map[string]any{"b": map[string]any{"c": time.Date(2024, 6, 30, 22, 30, 0, 0, time.UTC)}}},
	{"a": struct{ B string }{"struct field"}},
}

// chainTemplates take the chain path; the test checks they really do.
var chainTemplates = []string{
	`{{ a.b }}`, `{{ a.n }}`, `{{ a.f }}`, `{{ a.nil }}`, `{{ a.missing.deeper }}`, `{{ a.list }}`,
	`{{ a.m.k }}`, `{{ a.b|upper }}`, `{{ a.b|lower|title }}`, `{{ a.n|decimal:2 }}`,
	`{{ a.de|decimal:2 }}`, `{{ a.bad|decimal }}`, `{{ a.f|add:a.n|decimal:1 }}`,
	`{{ a.d|date:"2006-01-02" }}`, `{{ a.d|date:'02/01/2006' }}`, `{{ a.nil|default:"none" }}`,
	`{{ a.empty|required }}`, `{{ a.b|map:"text=T,*=other" }}`, `{{ a.b|default:a.m.k }}`,
	`{{ a.t }}`, `{{ a.b|length }}`, `{{ a.list|join:"-" }}`, `{{ a.b|cut:"e" }}`,
	`{{ a.b|default:true }}`, `{{ a.b|replace:"x=>\"q\\\\" }}`, `{{a.b|upper}}`,
	`{{ a.m.k|append:a.b|key:"/" }}`, `{{ z.w|decimal_de:2 }}`, `{{ a.b.c|tz:"Europe/Berlin" }}`,
	`{{ a.B }}`, `{{ a.m.k.x }}`, `{{ a.n|date }}`, `{{ a.b|truncate:2 }}`,
}

// TestChainAndPongo2Agree evaluates templates once through the chain and
// once through pongo2's interpreter and compares values and errors.
func TestChainAndPongo2Agree(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range chainTemplates {
		tpl, err := env.Compile(src)
		if err != nil {
			t.Fatalf("Compile(%s): %v", src, err)
		}
		if tpl.chain == nil {
			t.Errorf("%s does not take the chain path", src)
			continue
		}
		interpreted := *tpl
		interpreted.chain = nil
		for i, vars := range chainVars {
			want, wantErr := interpreted.value(vars)
			got, gotErr := tpl.value(vars)
			if diff := cmp.Diff(fmt.Sprintf("%T %s", want, text(want)), fmt.Sprintf("%T %s", got, text(got))); diff != "" {
				t.Errorf("%s with vars %d: values differ (-pongo2 +chain):\n%s", src, i, diff)
			}
			if diff := cmp.Diff(errorShape(wantErr), errorShape(gotErr)); diff != "" {
				t.Errorf("%s with vars %d: errors differ (-pongo2 +chain):\n%s", src, i, diff)
			}
		}
	}
}

// errorShape describes an error by type, position and message.
func errorShape(err error) string {
	var fe *FilterError
	var te *TemplateError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &fe):
		return fmt.Sprintf("FilterError %s %d:%d %v", fe.Filter, fe.Line, fe.Column, fe)
	case errors.As(err, &te):
		return fmt.Sprintf("TemplateError %d:%d %v", te.Line, te.Column, te)
	}
	return fmt.Sprintf("%T %v", err, err)
}

func TestChainRefusesOtherSyntax(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`{{ a or b }}`, `{{ a.0 }}`, `{{ a[0] }}`, `{{ a|default:1.5 }}`, `{{ a|f(x) }}`,
		`{{ "lit"|upper }}`, `{{ a }} `, `{{ a|cut:"\n" }}`, `{{ a . b }}`, `{{ a|default:-1 }}`,
		`{{ a|nosuch }}`, `{{ true }}`, `{{ a|default:"x }}`,
	} {
		if c := parseChain(src); c != nil {
			t.Errorf("parseChain(%s) = %+v, want nil", src, c)
		}
	}
}

func TestRenderExpressionKeepsType(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	tpl, err := env.Compile(`{{ r.tags|split:"," }}`)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tpl.value(Vars{"r": map[string]any{"tags": "a,b"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, v); diff != "" {
		t.Errorf("value (-want +got):\n%s", diff)
	}
	s, err := tpl.Render(Vars{"r": map[string]any{"tags": "a,b"}})
	if err != nil || s != `["a","b"]` {
		t.Errorf("Render = %q, %v; want the list as JSON", s, err)
	}
}

func TestRenderCanonicalText(t *testing.T) {
	t.Parallel()
	runRenderCases(t, []renderCase{
		{name: "float shortest", src: "{{ r.f }}", vars: Vars{"r": map[string]any{"f": 0.1}}, want: "0.1"},
		{name: "float in text", src: "x={{ r.f|string }}", vars: Vars{"r": map[string]any{"f": 1e21}}, want: "x=1000000000000000000000"},
		{name: "bool", src: "{{ r.b }}", vars: Vars{"r": map[string]any{"b": false}}, want: "false"},
		{name: "no autoescape", src: "{{ r.s }} & {{ r.s }}", vars: Vars{"r": map[string]any{"s": `O'Brien <Co>`}}, want: `O'Brien <Co> & O'Brien <Co>`},
		{name: "no autoescape in expression", src: "{{ r.s|upper }}", vars: Vars{"r": map[string]any{"s": `"a"&b`}}, want: `"A"&B`},
		{name: "operators", src: "{{ r.a or r.b }}", vars: Vars{"r": map[string]any{"b": "B"}}, want: "true"},
		{name: "instant", src: "{{ r.t }}", vars: Vars{"r": map[string]any{"t": time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600))}}, want: "2024-01-02T03:04:05+01:00"},
		{name: "missing", src: "[{{ r.x.y }}]", vars: Vars{"r": map[string]any{}}, want: "[]"},
		{name: "if tag", src: "{% if r.a %}yes{% else %}no{% endif %}", vars: Vars{"r": map[string]any{"a": 1}}, want: "yes"},
	})
}

func TestCompileErrorPosition(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, c := range []struct {
		src       string
		line, col int
	}{
		{"{{ a|nosuch }}", 1, 6},
		{"ab\n  {{ a|nosuch }}", 2, 8},
		{"{% include \"x\" %}", 1, 4},
		{"{{ a|map:\"broken\" }}", 1, 6},
		{"x {{ a|date:\"nonsense\" }}", 1, 8},
		{"{{ __specsync_sink }}", 1, 4},
	} {
		_, err := env.Compile(c.src)
		var te *TemplateError
		if !errors.As(err, &te) {
			t.Errorf("Compile(%q) = %v, want *TemplateError", c.src, err)
			continue
		}
		if te.Line != c.line || te.Column != c.col {
			t.Errorf("Compile(%q): error at %d:%d, want %d:%d (%v)", c.src, te.Line, te.Column, c.line, c.col, err)
		}
	}
}

// TestArgumentsFromVariablesCompile checks that filters whose argument
// comes from a variable compile, though the variable is empty at compile
// time, while a filter written without its argument does not.
func TestArgumentsFromVariablesCompile(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{
		`{{ r.v|tz:r.zone }}`, `{{ r.v|map:r.m }}`, `{{ r.v|key:r.sep }}`, `{{ r.v|split:r.sep|join:r.sep }}`,
		`{{ r.v|decimal:r.places }}`, `x{{ r.v|map:r.m }}`, `{{ r.v|map:r.m or r.x }}`,
	} {
		if _, err := env.Compile(src); err != nil {
			t.Errorf("Compile(%s): %v", src, err)
		}
	}
	for _, c := range []struct {
		src string
		col int
	}{{`{{ r.v|tz }}`, 8}, {`{{ r.v|upper|map }}`, 14}, {`{{ r.v|maxlength }}`, 8}} {
		_, err := env.Compile(c.src)
		var te *TemplateError
		if !errors.As(err, &te) || te.Column != c.col {
			t.Errorf("Compile(%s) = %v, want a missing argument at column %d", c.src, err, c.col)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	vars := Vars{"r": map[string]any{"s": "text", "n": "x"}}
	for _, c := range []struct {
		src, want string
	}{
		{"{{ r.n|decimal:2 }}", "FilterError decimal 1:8"},
		{"a {{ r.n|decimal:2 }}", "FilterError decimal 1:10"},
		{"{{ r.n|upper|decimal:2 }}", "FilterError decimal 1:14"},
		{"{{ r.s.x }}", "TemplateError 1:4"},
		{"x\n{{ r.s.x }}", "TemplateError 2:4"},
		{"{{ r.missing|required }}", "FilterError required 1:14"},
	} {
		tpl, err := env.Compile(c.src)
		if err != nil {
			t.Fatalf("Compile(%s): %v", c.src, err)
		}
		_, err = tpl.Render(vars)
		if got := errorShape(err); !strings.HasPrefix(got, c.want) {
			t.Errorf("Render(%s) error = %q, want prefix %q", c.src, got, c.want)
		}
	}
}

// panicky is a value whose text form panics, standing in for any panic
// inside pongo2.
type panicky struct{}

func (panicky) String() string { panic("boom") }

func TestRenderNeverPanics(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{"x{{ r.p }}", "{{ r.p|upper }}", "{{ r.p }}"} {
		tpl, err := env.Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tpl.Render(Vars{"r": map[string]any{"p": panicky{}}})
		var te *TemplateError
		if !errors.As(err, &te) {
			t.Errorf("Render(%s) = %v, want a *TemplateError from the recovered panic", src, err)
		}
	}
	m, err := env.CompileMapping(map[string]any{"a": "{{ r.p|upper }}", "b": "{{ r.p or 1 }}", "c": "{{ r.q }}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{"r": map[string]any{"p": panicky{}, "q": "ok"}})
	var re *RecordError
	if !errors.As(err, &re) || len(re.Fields) != 1 || re.Fields[0].Field != "/a" {
		t.Errorf("Apply = %v, want one failing field /a", err)
	}
}

func TestRenderRefusesBadVariableNames(t *testing.T) {
	t.Parallel()
	tpl, err := NewEnv().Compile("{{ a }}")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Render(Vars{"my-key": "secret value"})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("Render = %v, want an error that names the key, not the value", err)
	}
}

func TestSource(t *testing.T) {
	t.Parallel()
	src := "{{ lease.id }}"
	tpl, err := NewEnv().Compile(src)
	if err != nil || tpl.Source() != src {
		t.Errorf("Source = %q, %v", tpl.Source(), err)
	}
}

func TestReadPaths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src  string
		want [][]string // nil: not readable
	}{
		{"{{ lease.rent }}", [][]string{{"lease", "rent"}}},
		{"{{ lease.rent|decimal:2 }}", [][]string{{"lease", "rent"}}},
		{`{{ record.address.street|upper|default:"-" }}`, [][]string{{"record", "address", "street"}}},
		{"{{ key }}", [][]string{{"key"}}},
		{"{{ lease.id }} {{ tenant.last_name }}", [][]string{{"lease", "id"}, {"tenant", "last_name"}}},
		{"Miete {{ lease.rent }} ab {{ lease.start|date:\"02.01.2006\" }}", [][]string{{"lease", "rent"}, {"lease", "start"}}},
		{"{% if lease.active and not unit.vacant %}{{ unit.no }}{% else %}-{% endif %}",
			[][]string{{"lease", "active"}, {"unit", "vacant"}, {"unit", "no"}}},
		{"{% if 3 in ids.units %}{{ true }}{% endif %}", [][]string{{"ids", "units"}}},
		{"{{ lease.a|default:lease.b }}", [][]string{{"lease", "a"}, {"lease", "b"}}},
		{"{{ lease.rent * 1.5 + 2 }}", [][]string{{"lease", "rent"}}},
		{`{{ "lease.x }}" ~ 'y\'s' }}`, [][]string{}},
		{"{# lease.x #}{{ unit.y }}", [][]string{{"unit", "y"}}},
		{`{"a": 1} {{ ids.unit }}`, [][]string{{"ids", "unit"}}},
		{"{{- lease.rent -}}", [][]string{{"lease", "rent"}}},
		{"plain text", [][]string{}},
		{"{% for t in lease.tenants %}{{ t.name }}{{ forloop.Counter }}{% endfor %}{{ t.x }}",
			[][]string{{"lease", "tenants"}, {"t", "x"}}},
		{"{% for k, v in lease.extra sorted %}{{ k }}={{ v|default:unit.no }}{% empty %}-{% endfor %}",
			[][]string{{"lease", "extra"}, {"unit", "no"}}},
		{"{% for x in lease.items reversed %}{% for y in x.parts %}{{ y.n }}{{ x.m }}{% endfor %}{% endfor %}",
			[][]string{{"lease", "items"}}},
		{"{% with r = lease.rent c=unit.no %}{{ r }}{{ c }}{% endwith %}{{ r }}", [][]string{{"lease", "rent"}, {"unit", "no"}, {"r"}}},
		{"{% with lease.rent as r %}{{ r|add:tenant.fee }}{% endwith %}", [][]string{{"lease", "rent"}, {"tenant", "fee"}}},
		{"{% for x in lease.items %}{% if prev %}{{ prev }}{% endif %}{% set prev = x.n %}{% endfor %}",
			[][]string{{"lease", "items"}}},
		{"{% set total = lease.rent|add:lease.fee %}{{ total }}", [][]string{{"lease", "rent"}, {"lease", "fee"}}},
		{"{% cycle lease.a 'b' as row silent %}{{ row }}", [][]string{{"lease", "a"}}},
		{"{% filter lower|truncatechars:unit.width %}{{ unit.name }}{% endfilter %}", [][]string{{"unit", "width"}, {"unit", "name"}}},
		{"{% comment %}{{ secret.x }}{% endcomment %}{% templatetag openblock %}{{ unit.y }}", [][]string{{"unit", "y"}}},
		{"{% autoescape off %}{{ unit.y }}{% endautoescape %}", [][]string{{"unit", "y"}}},
		{"{{ lease.items.0.name }}", [][]string{{"lease", "items"}}},
		{"{%- if lease.a -%}{{- unit.b -}}{%- endif -%}", [][]string{{"lease", "a"}, {"unit", "b"}}},
		{"{% macro m(a) %}{{ a }}{% endmacro %}", nil},
		{"{% comment %}open", nil},
		{"{{ lease.rent", nil},
		{`{{ "open }}`, nil},
		{"{# open", nil},
	} {
		got, ok := ReadPaths(c.src)
		if ok != (c.want != nil) {
			t.Errorf("ReadPaths(%q): ok %v; want %v", c.src, ok, c.want != nil)
			continue
		}
		if c.want != nil && !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("ReadPaths(%q) = %q; want %q", c.src, got, c.want)
		}
	}
}

// FuzzReadPaths: any text is read without a panic, and every path is made
// of identifiers.
func FuzzReadPaths(f *testing.F) {
	for _, s := range []string{"{{ lease.rent|decimal:2 }}", "{% if a.b %}{{ c.d|default:e.f }}{% endif %}", `{{ "x }}" }}`, "{# c #}", "{{", "{%", "{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		paths, ok := ReadPaths(src)
		if !ok && paths != nil {
			t.Fatalf("ReadPaths(%q) = %q with ok false", src, paths)
		}
		for _, path := range paths {
			for _, name := range path {
				if name == "" || !isIdentByte(name[0], false) {
					t.Fatalf("ReadPaths(%q) gave %q, which is no identifier", src, path)
				}
			}
		}
	})
}

func TestMentionedPathsReadsPastBindingTags(t *testing.T) {
	t.Parallel()
	src := "{% for t in lease.tenants %}{{ t.email|default:'' }}{{ ids.unit }}{% endfor %}"
	got, ok := MentionedPaths(src)
	if !ok {
		t.Fatalf("MentionedPaths(%q) is not readable", src)
	}
	want := [][]string{{"t"}, {"lease", "tenants"}, {"t", "email"}, {"ids", "unit"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MentionedPaths(%q) (-want +got):\n%s", src, diff)
	}
	if _, ok := MentionedPaths("{{ lease.rent "); ok {
		t.Error("MentionedPaths of an open tag is readable")
	}
}
