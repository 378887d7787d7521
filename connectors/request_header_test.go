package connectors_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/specs"
)

// TestHeaderParamNameIgnoresCase: params may name a declared header in
// another case (header names are case-insensitive, RFC 9110); the client
// sends it instead of refusing the spec.
func TestHeaderParamNameIgnoresCase(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/rest.json")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(`"X-Portfolio": "north"`), []byte(`"x-PORTFOLIO": "south"`), 1)
	spec, fs, err := specs.LoadBytes("rest.json", data, specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
	if err != nil || fs.HasErrors() {
		t.Fatalf("LoadBytes: %v %v", err, fs)
	}
	api := newTenantsAPI(t)
	c, err := connectors.New(spec, connectors.Config{BaseURL: api.srv.URL + "/api/v1", Clock: clock.NewManual(time.Now())})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, err := range c.List(context.Background(), "tenant", connectors.ListOptions{}) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
	}
	if got := api.requests()[0].Header.Get("X-Portfolio"); got != "south" {
		t.Errorf("X-Portfolio = %q; want the value params gives under x-PORTFOLIO", got)
	}
}
