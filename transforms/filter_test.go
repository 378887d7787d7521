package transforms

import (
	"errors"
	"testing"
)

// TestFilterExamples renders the example of every filter and compares it
// with the documented result, so the docs cannot promise what the code
// does not do.
func TestFilterExamples(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, f := range Filters() {
		t.Run(f.Name, func(t *testing.T) {
			if f.Example == "" || f.Description == "" || f.Category == "" {
				t.Fatalf("filter %q is not fully described: %+v", f.Name, f)
			}
			tpl, err := env.Compile(f.Example)
			if err != nil {
				t.Fatalf("example %s does not compile: %v", f.Example, err)
			}
			got, err := tpl.Render(nil)
			if err != nil {
				t.Fatalf("example %s: %v", f.Example, err)
			}
			if got != f.Result {
				t.Errorf("example %s renders %q, docs say %q", f.Example, got, f.Result)
			}
		})
	}
}

func TestFiltersSortedAndUnique(t *testing.T) {
	t.Parallel()
	fs := Filters()
	for i := 1; i < len(fs); i++ {
		if fs[i-1].Name >= fs[i].Name {
			t.Errorf("filters not sorted or duplicated at %q, %q", fs[i-1].Name, fs[i].Name)
		}
	}
}

// renderCase is one row of a filter table test.
type renderCase struct {
	name string
	src  string
	vars Vars
	want string
	// fail, when set, is the filter expected to fail on a value.
	fail string
}

func runRenderCases(t *testing.T, cases []renderCase) {
	t.Helper()
	env := NewEnv()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := env.Compile(c.src)
			if err != nil {
				t.Fatalf("Compile(%s): %v", c.src, err)
			}
			got, err := tpl.Render(c.vars)
			if c.fail != "" {
				var fe *FilterError
				if !errors.As(err, &fe) || fe.Filter != c.fail {
					t.Fatalf("Render(%s) = %q, %v; want a failure of filter %q", c.src, got, err, c.fail)
				}
				return
			}
			if err != nil {
				t.Fatalf("Render(%s): %v", c.src, err)
			}
			if got != c.want {
				t.Errorf("Render(%s) = %q, want %q", c.src, got, c.want)
			}
		})
	}
}
