package mock

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/specsync/specsync/specs"
)

// TestUnservedPluginIsRefused checks that the mock refuses a spec whose
// auth method or paging style it cannot emulate, naming the type.
func TestUnservedPluginIsRefused(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t, "testdata/rest.json")
	spec.Sync.Pagination = &specs.Pagination{Type: "telepathy", Config: json.RawMessage(`{}`)}
	for _, e := range spec.Sync.Entities {
		e.Pagination = nil
	}
	if _, err := New(spec, Options{}); err == nil || !strings.Contains(err.Error(), `"telepathy"`) {
		t.Errorf("New with an unknown paging style: %v", err)
	}
	spec = loadSpec(t, "testdata/rest.json")
	spec.Sync.Auth = &specs.Auth{Type: "telepathy"}
	if _, err := New(spec, Options{}); err == nil || !strings.Contains(err.Error(), `"telepathy"`) {
		t.Errorf("New with an unknown auth method: %v", err)
	}
}
