package instance

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// withPlugins loads with the built-in plug-ins, so that the credentials of
// auth configs are found.
var withPlugins = specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()}

func TestLoadInstanceValid(t *testing.T) {
	t.Parallel()
	l, found, err := LoadInstance("testdata/load/valid.json", withPlugins)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 0 {
		t.Errorf("findings: %v", found)
	}
	if l.Home == nil || l.Partner == nil || l.Model == nil {
		t.Fatalf("loaded home %v, partner %v, model %v; want all three", l.Home != nil, l.Partner != nil, l.Model != nil)
	}
	if got := []string{l.Home.Sync.System, l.Partner.Sync.System, l.Model.Order[0]}; !cmp.Equal(got, []string{"erp", "partner", "tenant"}) {
		t.Errorf("loaded systems and first model entity %v", got)
	}
	if !filepath.IsAbs(l.Instance.Partner.Credentials["partner_token"].File) {
		t.Errorf("credential file %q is not resolved", l.Instance.Partner.Credentials["partner_token"].File)
	}
}

func TestLoadInstanceGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"mismatched.yaml", "missing_files.json"} {
		t.Run(name, func(t *testing.T) {
			file := "testdata/load/" + name
			_, found, err := LoadInstance(file, withPlugins)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, file+".golden", findingsJSON(t, found))
		})
	}
}

func TestNamedCredentials(t *testing.T) {
	t.Parallel()
	sync := &specs.Sync{
		Auth: specs.NewAuth("oauth2", &connectors.AuthOAuth2{
			ClientID: specs.Credential{Credential: "client_id"}, ClientSecret: specs.Credential{Credential: "client_secret"},
			Username: specs.Credential{Env: "USER"},
		}),
		Webhooks: &specs.Webhooks{Signature: &specs.Signature{Secret: specs.Credential{Credential: "hook"}}},
		Entities: map[string]*specs.Entity{"x": {Write: specs.Mapping{"a": map[string]any{"b": "{{ c }}"}}}},
	}
	if d := cmp.Diff([]string{"client_id", "client_secret", "hook"}, namedCredentials(sync)); d != "" {
		t.Errorf("named credentials (-want +got):\n%s", d)
	}
}

func TestLoadInstanceFindingsNameNoMachinePath(t *testing.T) {
	t.Parallel()
	_, found, err := LoadInstance("testdata/load/mismatched.yaml", withPlugins)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if strings.Contains(f.Message+f.Hint, string(filepath.Separator)+"testdata") {
			t.Errorf("finding message carries a path: %s", f)
		}
	}
}

// TestLoadInstanceEnvironment: the environment variables that credentials
// reference, in the instance or directly in a spec, are warnings when
// unset or empty, each naming the variable at its pointer; set ones are
// not reported.
func TestLoadInstanceEnvironment(t *testing.T) {
	t.Parallel()
	l, found, err := LoadInstance("testdata/load/valid.json", withPlugins)
	if err != nil || len(found) != 0 {
		t.Fatalf("load: %v %v", err, found)
	}
	l.Partner.Sync.Webhooks = &specs.Webhooks{Signature: &specs.Signature{Secret: specs.Credential{Env: "HOOK_SECRET"}}}
	env := map[string]string{"ERP_KEY": ""}
	got := l.Environment(func(name string) (string, bool) { v, ok := env[name]; return v, ok })
	want := []string{
		`warning unset-variable /home/credentials/erp_key/env: environment variable "ERP_KEY" of credential "erp_key" is not set`,
		`warning unset-variable /partner/spec: spec partner.json refers to environment variable "HOOK_SECRET", which is not set`,
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, fmt.Sprintf("%s %s %s: %s", f.Severity, f.Code, f.Pointer, f.Message))
	}
	if d := cmp.Diff(want, lines); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	env = map[string]string{"ERP_KEY": "k", "HOOK_SECRET": "s"}
	if got := l.Environment(func(name string) (string, bool) { v, ok := env[name]; return v, ok }); len(got) != 0 {
		t.Errorf("with every variable set: %v", got)
	}
}
