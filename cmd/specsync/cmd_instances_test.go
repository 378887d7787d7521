package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/redistest"
)

// TestInstancesApplyReportsChangedSpecs applies an instance again after
// its partner spec changed on disk: unchanged before the edit, changed
// after it; a half-written spec is refused and leaves the applied version.
func TestInstancesApplyReportsChangedSpecs(t *testing.T) {
	st := stateArgs(redistest.New(t))
	dir := t.TempDir()
	for _, name := range []string{"home.json", "partner_upsert.json", "model.json"} {
		data, err := os.ReadFile(runDoc(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	inst, _ := json.Marshal(map[string]any{"id": "applied", "organisation": "acme", "model": "model.json",
		"home": map[string]any{"spec": "home.json"}, "partner": map[string]any{"spec": "partner_upsert.json"}})
	file := filepath.Join(dir, "applied.json")
	if err := os.WriteFile(file, inst, 0o600); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "partner_upsert.json")
	original, _ := os.ReadFile(spec)
	edited := strings.Replace(string(original), `"number": "{{ unit.number }}"`, `"number": "N-{{ unit.number }}"`, 1)
	for _, step := range []struct {
		content string
		code    int
		want    string
	}{
		{string(original), 0, "applied created"},
		{string(original), 0, "applied unchanged"},
		{edited, 0, "applied changed"},
		{edited[:len(edited)/2], 1, "refused"},
		{edited, 0, "applied unchanged"},
	} {
		if err := os.WriteFile(spec, []byte(step.content), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, append([]string{"instances", "apply", file}, st...)...)
		if code != step.code || !strings.Contains(out+errOut, step.want) {
			t.Errorf("apply: exit %d (want %d), output lacks %q:\n%s\n%s", code, step.code, step.want, out, errOut)
		}
	}
	code, out, _ := runCLI(t, append([]string{"instances", "show", "applied"}, st...)...)
	if code != 0 || !strings.Contains(out, "applied documents") || !strings.Contains(out, spec) {
		t.Errorf("show: exit %d, output lists no applied documents:\n%s", code, out)
	}
}

// TestInstancesApplyChecksCredentials: a credential whose environment
// variable is not set is a warning naming the variable at its line, and
// the instance is stored; a credential name the spec does not use is an
// error with "did you mean", and the instance is refused.
func TestInstancesApplyChecksCredentials(t *testing.T) {
	expect := cliExpect(t, redistest.New(t))
	load, err := filepath.Abs(filepath.Join("..", "..", "engine", "instance", "testdata", "load"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, erpCredential string) string {
		data, _ := json.Marshal(map[string]any{"id": "creds", "organisation": "acme", "model": filepath.Join(load, "model.json"),
			"home": map[string]any{"spec": filepath.Join(load, "home.json"),
				"credentials": map[string]any{erpCredential: map[string]any{"env": "SPECSYNC_TEST_UNSET_ERP_KEY"}}},
			"partner": map[string]any{"spec": filepath.Join(load, "partner.json"), "serverVariables": map[string]any{"subdomain": "acme"},
				"credentials": map[string]any{"partner_token": map[string]any{"file": "token"}}},
		})
		return writeFile(t, name, string(data))
	}
	out := expect(0, `good.json:1:36: warning[unset-variable] environment variable "SPECSYNC_TEST_UNSET_ERP_KEY" of credential "erp_key" is not set (/home/credentials/erp_key/env)`,
		"instances", "apply", write("good.json", "erp_key"))
	if !strings.Contains(out, "creds created") {
		t.Errorf("the instance with an unset variable was not stored:\n%s", out)
	}
	out = expect(1, `error[unknown-key] spec home.json refers to no credential "erp_kye" (/home/credentials/erp_kye)
    hint: did you mean "erp_key"?`,
		"instances", "apply", write("typo.json", "erp_kye"))
	if strings.Contains(out, "creds updated") {
		t.Errorf("the instance with an unknown credential was stored:\n%s", out)
	}
}
