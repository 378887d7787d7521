package transforms

import (
	"path/filepath"
	"testing"

	"github.com/specsync/specsync/internal/golden"
)

// docsPath is docs/filters.md at the repository root.
var docsPath = filepath.Join("..", "docs", "filters.md")

// TestFiltersDoc checks that docs/filters.md is what Filters generates;
// go test -run TestFiltersDoc -update (or go generate) rewrites it.
func TestFiltersDoc(t *testing.T) {
	t.Parallel()
	golden.Check(t, docsPath, []byte(FiltersMarkdown()))
}

func TestEveryFilterHasACategory(t *testing.T) {
	t.Parallel()
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
