package instance

import (
	"os"
	"strings"
	"testing"
)

// TestOptionsDoc fails when the options table in docs/instances.md
// differs from what OptionsTable renders from the Options tags.
func TestOptionsDoc(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/instances.md")
	if err != nil {
		t.Fatal(err)
	}
	if table := OptionsTable(); !strings.Contains(string(doc), table) {
		t.Errorf("docs/instances.md lacks the current options table; put this in its place:\n%s", table)
	}
}
