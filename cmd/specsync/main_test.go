package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidateExitCodes(t *testing.T) {
	broken := writeFile(t, "broken.json", `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
  "x-sync": {"system": "x", "entitis": {}}}`)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"clean model", []string{"validate", "../../specs/testdata/model.json"}, 0, "0 error(s)"},
		{"findings", []string{"validate", broken}, 1, `did you mean "entities"?`},
		{"unreadable", []string{"validate", filepath.Join(t.TempDir(), "missing.json")}, 2, "check the path: there is no such file"},
		{"bad format", []string{"validate", "--format", "xml", broken}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, _ := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; output:\n%s", code, tt.code, out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

func TestValidateJSONReportsEveryFinding(t *testing.T) {
	broken := writeFile(t, "broken.json", `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
  "x-sync": {"sytem": "x", "entities": {"a": {"model": "m", "key": "id", "whne": "x"}}}}`)
	code, out, _ := runCLI(t, "validate", "--format", "json", broken)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var got struct {
		Findings []struct{ Code, Pointer string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	pointers := map[string]string{}
	for _, f := range got.Findings {
		pointers[f.Pointer] = f.Code
	}
	for _, p := range []string{"/x-sync/sytem", "/x-sync/entities/a/whne"} {
		if pointers[p] != "unknown-key" {
			t.Errorf("no unknown-key finding at %s; got %v", p, pointers)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExplainListsOperationsAndMappings(t *testing.T) {
	code, out, errOut := runCLI(t, "explain", "../../examples/realestate/everreal.json", "tenant")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"upsert: graphql POST /graphql: mutation upsertTenant", "/lastName", "{{ tenant.last_name|required }}", "include unit by {{ lease.unit_id }}"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCLI(t, "explain", "../../examples/realestate/everreal.json", "tennant"); code != 2 {
		t.Errorf("unknown entity: exit %d, want 2", code)
	}
}

func TestMapRendersTenant(t *testing.T) {
	dir := "../../examples/realestate/records/"
	code, out, errOut := runCLI(t, "map", "../../examples/realestate/everreal.json", "tenant",
		"--input", dir+"lease.json", "--include", "tenant="+dir+"tenant.json", "--include", "unit="+dir+"unit.json", "--id", "unit=u-1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(out), &body); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if body["unitId"] != "u-1" || body["meta"].(map[string]any)["source"] != "specsync" {
		t.Errorf("unexpected body: %s", out)
	}
}

func TestMapRefusesRecordWithoutLastName(t *testing.T) {
	dir := "../../examples/realestate/records/"
	tenant := writeFile(t, "tenant.json", `{"id": "T-1", "first_name": "Anna"}`)
	code, _, errOut := runCLI(t, "map", "../../examples/realestate/everreal.json", "tenant",
		"--input", dir+"lease.json", "--include", "tenant="+tenant, "--include", "unit="+dir+"unit.json", "--id", "unit=u-1")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	if !strings.Contains(errOut, "lastName") || !strings.Contains(errOut, "required") {
		t.Errorf("error does not name the field and filter: %s", errOut)
	}
}
