package specs_test

import (
	"testing"

	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/specs"
)

// TestPluginsDoc fails when docs/plugins.md differs from what the built-in
// plug-ins describe; -update rewrites it.
func TestPluginsDoc(t *testing.T) {
	t.Parallel()
	golden.Check(t, "../docs/plugins.md", []byte(specs.PluginsMarkdown(loadOptions().Plugins)))
}
