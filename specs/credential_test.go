package specs_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

func TestReferencesFindsEveryCredential(t *testing.T) {
	t.Parallel()
	type login struct {
		Operation string
		Body      map[string]specs.Credential
		Extra     []*specs.Credential
		Settings  any
		hidden    specs.Credential
	}
	v := &login{
		Operation: "login",
		Body:      map[string]specs.Credential{"secret": {Env: "B"}, "key": {Credential: "api_key"}, "none": {}},
		Extra:     []*specs.Credential{{File: "/run/x"}, nil},
		Settings:  &specs.Signature{Secret: specs.Credential{Env: "HOOK"}},
		hidden:    specs.Credential{Env: "HIDDEN"},
	}
	want := []specs.Credential{{Credential: "api_key"}, {Env: "B"}, {File: "/run/x"}, {Env: "HOOK"}}
	if d := cmp.Diff(want, specs.References(v)); d != "" {
		t.Errorf("references (-want +got):\n%s", d)
	}
	if got := specs.References(nil); got != nil {
		t.Errorf("References(nil) = %v; want none", got)
	}
}
