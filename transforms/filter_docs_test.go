package transforms

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// docsPath is docs/filters.md at the repository root.
var docsPath = filepath.Join("..", "docs", "filters.md")

// TestFiltersDoc checks that docs/filters.md is what Filters generates;
// go test -run TestFiltersDoc -update (or go generate) rewrites it.
func TestFiltersDoc(t *testing.T) {
	got := FiltersMarkdown()
	if *update {
		if err := os.WriteFile(docsPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatalf("%v (run go generate ./transforms)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("docs/filters.md is out of date; run go generate ./transforms (-file +generated):\n%s", diff)
	}
}

func TestEveryFilterHasACategory(t *testing.T) {
	known := make(map[string]bool)
	for _, c := range categories {
		known[c.key] = true
	}
	for _, f := range Filters() {
		if !known[f.Category] {
			t.Errorf("filter %s has unknown category %q", f.Name, f.Category)
		}
	}
	lib := make(map[string]bool)
	for _, f := range Filters() {
		lib[f.Name] = true
	}
	for name := range replacedBuiltins {
		if !lib[name] {
			t.Errorf("replacedBuiltins lists %q, which the library does not define", name)
		}
	}
}
