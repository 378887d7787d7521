package transforms

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSandboxCannotReadFiles tries every tag that can reach files or
// other templates against a real file and checks that compiling fails and
// that the file's content never shows.
func TestSandboxCannotReadFiles(t *testing.T) {
	t.Parallel()
	const secret = "content-of-the-secret-file"
	dir := t.TempDir()
	file := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(file, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	env := NewEnv()
	for _, src := range []string{
		`{% include "` + file + `" %}`,
		`{% include "secret.txt" %}`,
		`{% ssi "` + file + `" %}`,
		`{% ssi "` + file + `" parsed %}`,
		`{% extends "` + file + `" %}`,
		`{% import "` + file + `" m %}`,
		`{% macro m() export %}x{% endmacro %}`,
		`{% block b %}{% endblock %}`,
		`{% lorem 5 w %}`,
		`{% now "2006" %}`,
		`{{ x|random }}`,
		`{{ x|floatformat:2 }}`,
		`{{ x|float }}`,
	} {
		t.Run(strings.Fields(src)[1], func(t *testing.T) {
			tpl, err := env.Compile(src)
			if err == nil {
				out, _ := tpl.Render(Vars{"x": []any{secret}})
				t.Fatalf("Compile accepted %s (rendered %q)", src, out)
			}
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Errorf("error %v is not a *TemplateError", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the file: %v", err)
			}
		})
	}
}

func TestSandboxLoaderRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := refusingLoader{}.Get(file)
	if r != nil || !errors.Is(err, errNoFiles) {
		t.Errorf("Get = %v, %v; want errNoFiles", r, err)
	}
}

func TestSandboxAllowsDataTags(t *testing.T) {
	t.Parallel()
	runRenderCases(t, []renderCase{
		{name: "for", src: "{% for x in r.l %}{{ x }};{% endfor %}", vars: Vars{"r": map[string]any{"l": []any{"a", "b"}}}, want: "a;b;"},
		{name: "with", src: "{% with y=r.a %}{{ y|upper }}{% endwith %}", vars: Vars{"r": map[string]any{"a": "q"}}, want: "Q"},
		{name: "set", src: "{% set y = r.a %}{{ y }}", vars: Vars{"r": map[string]any{"a": "q"}}, want: "q"},
		{name: "filter tag", src: "{% filter upper %}{{ r.a }}{% endfilter %}", vars: Vars{"r": map[string]any{"a": "q"}}, want: "Q"},
		{name: "builtin filter", src: "{{ r.a|length }}", vars: Vars{"r": map[string]any{"a": "abc"}}, want: "3"},
	})
}

// TestEnvsAreIndependent checks that two environments work side by side
// (the filter registration is shared and happens once).
func TestEnvsAreIndependent(t *testing.T) {
	t.Parallel()
	a, b := NewEnv(), NewEnv()
	ta, err := a.Compile("{{ x|decimal:1 }}")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.Compile("{{ x|decimal:2 }}")
	if err != nil {
		t.Fatal(err)
	}
	ra, _ := ta.Render(Vars{"x": "1,5"})
	rb, _ := tb.Render(Vars{"x": "1,5"})
	if ra != "1.5" || rb != "1.50" {
		t.Errorf("renders %q and %q, want 1.5 and 1.50", ra, rb)
	}
}
