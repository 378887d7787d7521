package specs_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// oldShapeDoc is a spec whose auth is written in the old shape, with a
// literal secret.
const oldShapeDoc = `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
 "x-sync": {"system": "s", "entities": {},
  "auth": {"apiKey": {"in": "header", "name": "X-Key", "key": "s3cret-value"}}}}`

// TestOldShapeHintHidesSecrets checks that the rewritten auth in the hint
// of an old-shape finding never repeats a literal secret: with the
// plug-ins described, the credential becomes a reference; without, every
// string is left out.
func TestOldShapeHintHidesSecrets(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		opts specs.LoadOptions
		want string
	}{
		"described":   {loadOptions(), `write {"type": "apiKey", "in": "header", "name": "X-Key", "key": {"env": "VARIABLE"}}`},
		"undescribed": {specs.LoadOptions{}, `write {"type": "apiKey", "in": "...", "name": "...", "key": "..."}`},
	} {
		_, fs, err := specs.LoadBytes("old.json", []byte(oldShapeDoc), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].Code != specs.CodeOldPluginShape {
			t.Fatalf("%s: findings %v; want one %s", name, fs, specs.CodeOldPluginShape)
		}
		if diff := cmp.Diff(tc.want, fs[0].Hint); diff != "" || strings.Contains(fs[0].String(), "s3cret") {
			t.Errorf("%s: hint (-want +got):\n%s", name, diff)
		}
	}
}

// TestPluginChosenByType checks that Load with the plug-ins decodes the
// chosen config into Settings, and reports an unknown type with the
// closest names.
func TestPluginChosenByType(t *testing.T) {
	t.Parallel()
	doc := strings.Replace(oldShapeDoc, `{"apiKey": {"in": "header", "name": "X-Key", "key": "s3cret-value"}}`,
		`{"type": "apiKey", "in": "header", "name": "X-Key", "key": {"env": "KEY"}}`, 1)
	spec, fs, err := specs.LoadBytes("new.json", []byte(doc), loadOptions())
	if err != nil || len(fs) != 0 {
		t.Fatalf("err %v, findings %v", err, fs)
	}
	want := &connectors.AuthAPIKey{In: "header", Name: "X-Key", Key: specs.Credential{Env: "KEY"}}
	if diff := cmp.Diff(want, spec.Sync.Auth.Settings); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	_, fs, _ = specs.LoadBytes("typo.json", []byte(strings.Replace(doc, `"type": "apiKey"`, `"type": "apikey"`, 1)), loadOptions())
	if len(fs) != 1 || fs[0].Code != specs.CodeUnknownType || fs[0].Pointer != "/x-sync/auth/type" || !strings.Contains(fs[0].Hint, `"apiKey"`) {
		t.Errorf("findings %v; want one unknown-type at /x-sync/auth/type suggesting apiKey", fs)
	}
}

// TestPluginJSONRoundTrip checks that an Auth and a Pagination built in Go
// encode type and shared keys beside the config's keys, and decode back.
func TestPluginJSONRoundTrip(t *testing.T) {
	t.Parallel()
	auth := specs.NewAuth("bearer", &connectors.AuthBearer{Token: specs.Credential{Env: "T"}})
	data, err := json.Marshal(auth)
	if err != nil || string(data) != `{"token":{"env":"T"},"type":"bearer"}` {
		t.Fatalf("Marshal = %s, %v", data, err)
	}
	var back specs.Auth
	if err := json.Unmarshal(data, &back); err != nil || back.Type != "bearer" || string(back.Config) != `{"token":{"env":"T"}}` {
		t.Errorf("Unmarshal = %+v, %v", back, err)
	}
	paging := specs.NewPagination("page", &connectors.PagePaging{Param: "p"}, &specs.StopRules{Short: true})
	paging.MaxPages = 3
	data, _ = json.Marshal(paging)
	var pg specs.Pagination
	if err := json.Unmarshal(data, &pg); err != nil || pg.Type != "page" || pg.MaxPages != 3 || !pg.Stop.Short || string(pg.Config) != `{"param":"p"}` {
		t.Errorf("round trip of %s = %+v, %v", data, pg, err)
	}
}

// TestPluginsRegister checks that a registry refuses incomplete plug-ins
// and a second one of a name, and lists names by kind.
func TestPluginsRegister(t *testing.T) {
	t.Parallel()
	r := &specs.Plugins{}
	cfg := func() any { return &struct{}{} }
	if err := r.Register(specs.Plugin{Kind: specs.PluginAuth, Name: "x"}); err == nil {
		t.Error("a plug-in without Config was registered")
	}
	if err := r.Register(specs.Plugin{Kind: specs.PluginAuth, Name: "x", Config: cfg}); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(specs.Plugin{Kind: specs.PluginAuth, Name: "x", Config: cfg}); err == nil {
		t.Error("a second auth method x was registered")
	}
	if err := r.Register(specs.Plugin{Kind: specs.PluginPagination, Name: "x", Config: cfg}); err != nil {
		t.Errorf("a paging style named like an auth method: %v", err)
	}
	if diff := cmp.Diff([]string{"x"}, r.Names(specs.PluginPagination)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}
