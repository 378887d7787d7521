package corpus_test

import (
	"testing"

	"github.com/specsync/specsync/specs"
)

// TestLoad loads each document through the overlay beside it: faults of the
// vendor's document outside the entity the overlay uses are warnings, so
// the spec loads without errors.
func TestLoad(t *testing.T) {
	for _, d := range documents {
		t.Run(d.vendor, func(t *testing.T) {
			skipLargestInShort(t, d)
			spec, fs, err := load(d.overlay())
			if err != nil {
				t.Fatalf("%s (%s %s): %v", d.overlay(), d.file, d.version, err)
			}
			if fs.HasErrors() {
				t.Fatalf("%s (%s %s) has errors:\n%s", d.overlay(), d.file, d.version, errorsOf(fs))
			}
			if _, ok := spec.Entity(d.entity); !ok {
				t.Fatalf("%s: no entity %q", d.overlay(), d.entity)
			}
			t.Logf("%s %s: %d warnings", d.file, d.version, count(fs, specs.SeverityWarning))
		})
	}
}

func count(fs specs.Findings, s specs.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == s {
			n++
		}
	}
	return n
}
