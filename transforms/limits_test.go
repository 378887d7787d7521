package transforms

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// nestedLoops is the red team's five nested loops: 22^5, over five
// million iterations, writing a byte each.
const nestedLoops = `{% for a in unit.code|make_list %}{% for b in unit.code|make_list %}` +
	`{% for c in unit.code|make_list %}{% for d in unit.code|make_list %}` +
	`{% for e in unit.code|make_list %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}`

// hostileTemplates are templates that, without limits, grew the process
// to gigabytes, ran millions of iterations or sent fmt's error markers as
// data.
var hostileTemplates = []struct{ name, src string }{
	{"ljust", `{{ unit.name|ljust:300000000|length }}`},
	{"center", `{{ unit.name|center:500000000|length }}`},
	{"nested loops", nestedLoops},
	{"rjust", `{{ unit.name|rjust:2000000000 }}`},
	{"width from the record", `{{ unit.name|ljust:unit.width|length }}`},
	{"format width", `{{ unit.name|stringformat:"%900000000s" }}`},
	{"doubling set", `{% set s = unit.name %}{% for c in unit.code|make_list %}{% set s = s + s %}{% endfor %}{{ s|length }}`},
	{"growing replace", `{{ unit.name|replace:"W=>WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"|replace:"W=>WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"|replace:"W=>WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"|replace:"W=>WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"|replace:"W=>WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"|replace:"W=>WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"|length }}`},
	{"loop inside filter tag", `{% filter upper %}{% for a in unit.code|make_list %}{{ unit.name|ljust:4000000 }}{% endfor %}{% endfilter %}`},
	{"make_list of a padded text", `{% for a in unit.name|ljust:16000000|make_list %}{% endfor %}`},
}

// hostileVars is the record the hostile templates render.
func hostileVars() Vars {
	return Vars{"unit": map[string]any{"name": "Whg 1", "code": "abcdefghijklmnopqrstuv", "width": 300000000}}
}

// mapHostile compiles src as the one field of a mapping and applies it,
// as `specsync map` does.
func mapHostile(env *Env, src string) error {
	m, err := env.CompileMapping(map[string]any{"f": src}, nil)
	if err != nil {
		return err
	}
	_, err = m.Apply(hostileVars())
	return err
}

// TestHostileTemplatesFailWithinLimits checks that every hostile template
// fails with a limit error, allocating less than 100 MB in all (an upper
// bound of its peak heap). It does not run in parallel, so the allocation
// counter sees only this test.
func TestHostileTemplatesFailWithinLimits(t *testing.T) {
	env := NewEnv()
	for _, h := range hostileTemplates {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := mapHostile(env, h.src)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrLimit) {
			t.Errorf("%s: err = %v, want a limit error", h.name, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
			t.Errorf("%s: allocated %d MB, want under 100 MB", h.name, alloc>>20)
		}
	}
}

// TestValidateFlagsConstantArguments checks that a constant argument
// beyond the limits is a compile error, so validate reports it.
func TestValidateFlagsConstantArguments(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{
		`{{ unit.name|ljust:300000000|length }}`,
		`{{ unit.name|center:500000000|length }}`,
		`{{ unit.name|rjust:2000000000 }}`,
		`{{ unit.name|stringformat:"%900000000s" }}`,
		`{% for a in "abcdefghijklmnopqrstuv"|make_list %}{% for b in "abcdefghijklmnopqrstuv"|make_list %}{% for c in "abcdefghijklmnopqrstuv"|make_list %}{% for d in "abcdefghijklmnopqrstuv"|make_list %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}`,
	} {
		_, err := env.Compile(src)
		var te *TemplateError
		if !errors.Is(err, ErrLimit) || !errors.As(err, &te) {
			t.Errorf("Compile(%s) = %v, want a *TemplateError over a limit", src, err)
		}
	}
	small := env.WithLimits(Limits{Output: 100})
	if _, err := small.Compile(`{{ ""|ljust:101 }}`); !errors.Is(err, ErrLimit) {
		t.Errorf("a constant over the spec's output limit compiles: %v", err)
	}
	if _, err := small.Compile(`{{ ""|ljust:100 }}`); err != nil {
		t.Errorf("a constant within the spec's output limit: %v", err)
	}
}

// TestLimitsOfTheEnv checks each limit as set per environment, and that
// the failure names it.
func TestLimitsOfTheEnv(t *testing.T) {
	t.Parallel()
	vars := Vars{"unit": map[string]any{"name": "Whg 1", "code": "abcdef"}}
	cases := []struct {
		limits Limits
		src    string
		limit  string
	}{
		{Limits{Output: 4}, `{{ unit.name }}`, "output"},
		{Limits{Output: 7}, `Name: {{ unit.name }}`, "output"},
		{Limits{Output: 4}, `{{ unit.name|upper }}`, "output"},
		{Limits{Output: 8}, `{{ unit.code|make_list }}`, "output"},
		{Limits{Iterations: 5}, `{% for c in unit.code|make_list %}{% endfor %}`, "iterations"},
		{Limits{Iterations: 41}, `{% for c in unit.code|make_list %}{% for d in unit.code|make_list %}{% endfor %}{% endfor %}`, "iterations"},
		{Limits{Time: time.Nanosecond}, `{% for c in unit.code|make_list %}{% endfor %}`, "time"},
	}
	for _, c := range cases {
		tpl, err := NewEnv().WithLimits(c.limits).Compile(c.src)
		if err != nil {
			t.Fatalf("Compile(%s): %v", c.src, err)
		}
		_, err = tpl.Render(vars)
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != c.limit {
			t.Errorf("%s within %+v: err = %v, want the %s limit", c.src, c.limits, err, c.limit)
		}
	}
	// 6 outer and 36 inner iterations, 36 bytes.
	tpl, err := NewEnv().WithLimits(Limits{Iterations: 42, Output: 36}).Compile(`{% for c in unit.code|make_list %}{% for d in unit.code|make_list %}x{% endfor %}{% endfor %}`)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := tpl.Render(vars); err != nil || out != strings.Repeat("x", 36) {
		t.Errorf("a render exactly at its limits = %q, %v", out, err)
	}
}

// TestMappingSharesOneBudget checks that the fields of a mapping share the
// budget of the record, and that the failure names the field.
func TestMappingSharesOneBudget(t *testing.T) {
	t.Parallel()
	env := NewEnv().WithLimits(Limits{Output: 12})
	m, err := env.CompileMapping(map[string]any{"a": "{{ unit.name }}", "b": "{{ unit.name|lower }}", "c": "{{ unit.name|upper }}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Apply(Vars{"unit": map[string]any{"name": "Whg 1"}})
	var re *RecordError
	if !errors.Is(err, ErrLimit) || !errors.As(err, &re) || len(re.Fields) != 1 {
		t.Fatalf("Apply = %v, want one field over the output limit", err)
	}
	if _, err := m.Apply(Vars{"unit": map[string]any{"name": "W1"}}); err != nil {
		t.Errorf("a record within the budget: %v", err)
	}
}

// TestForLoopKeepsPongo2Semantics checks the replaced for tag: loop
// variables, reversed, sorted, empty, pairs and the parent loop.
func TestForLoopKeepsPongo2Semantics(t *testing.T) {
	t.Parallel()
	vars := Vars{"l": []any{"b", "c", "a"}, "m": map[string]any{"y": "2", "x": "1"}, "none": []any{}}
	cases := map[string]string{
		`{% for v in l %}{{ forloop.Counter }}{{ forloop.Counter0 }}{{ forloop.Revcounter }}{{ forloop.Revcounter0 }}{{ v }}{% if forloop.First %}F{% endif %}{% if forloop.Last %}L{% endif %};{% endfor %}`: "1032bF;2121c;3210aL;",
		`{% for v in l reversed %}{{ v }}{% endfor %}`:                                             "acb",
		`{% for k, v in m sorted %}{{ k }}={{ v }} {% endfor %}`:                                   "x=1 y=2 ",
		`{% for v in none %}x{% empty %}empty{% endfor %}`:                                         "empty",
		`{% for v in l %}{% for w in l %}{{ forloop.Parentloop.Counter }}{% endfor %}{% endfor %}`: "111222333",
	}
	env := NewEnv()
	for src, want := range cases {
		tpl, err := env.Compile(src)
		if err != nil {
			t.Fatalf("Compile(%s): %v", src, err)
		}
		if got, err := tpl.Render(vars); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", src, got, err, want)
		}
	}
}

// TestFormatsAreErrorsNotData checks that a format that does not fit its
// value is an error, never Go's %!(...) markers.
func TestFormatsAreErrorsNotData(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	good := map[string]string{
		`{{ "42"|stringformat:"%05d" }}`:      "00042",
		`{{ 42|stringformat:"%x" }}`:          "2a",
		`{{ "Whg"|stringformat:"ID-%s-%%" }}`: "ID-Whg-%",
		`{{ "Whg"|stringformat:"%-5s|" }}`:    "Whg  |",
		`{{ "Whg 1"|rjust:7 }}`:               "  Whg 1",
		`{{ "Whg 1"|center:8 }}`:              "  Whg 1 ",
	}
	for src, want := range good {
		tpl, err := env.Compile(src)
		if err != nil {
			t.Fatalf("Compile(%s): %v", src, err)
		}
		if got, err := tpl.Render(nil); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", src, got, err, want)
		}
	}
	for _, src := range []string{
		`{{ unit.name|stringformat:"%d" }}`, `{{ unit.name|stringformat:"%s %s" }}`,
		`{{ unit.name|stringformat:"no verb" }}`, `{{ unit.name|stringformat:"%*d" }}`,
		`{{ unit.name|stringformat:"%f" }}`, `{{ unit.name|stringformat:"%[1]s" }}`,
		`{{ unit.name|rjust:"wide" }}`, `{{ unit.name|ljust:-3 }}`,
	} {
		tpl, err := env.Compile(src)
		if err != nil {
			continue
		}
		out, err := tpl.Render(hostileVars())
		if err == nil || strings.Contains(out, "%!") {
			t.Errorf("%s = %q, %v; want an error", src, out, err)
		}
	}
}

// BenchmarkHostileTemplates measures how fast and with how much memory
// each hostile template fails (B/op bounds the peak heap).
func BenchmarkHostileTemplates(b *testing.B) {
	env := NewEnv()
	for _, h := range hostileTemplates {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := mapHostile(env, h.src); !errors.Is(err, ErrLimit) {
					b.Fatalf("err = %v", err)
				}
			}
		})
	}
}
