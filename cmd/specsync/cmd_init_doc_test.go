package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVendorWalkthrough keeps docs/vendor-openapi.md true: init on the
// vendor document it shows writes the overlay it shows, which validates
// against the example model without a finding.
func TestVendorWalkthrough(t *testing.T) {
	data, err := os.ReadFile("../../docs/vendor-openapi.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	vendor := regexp.MustCompile(`(?s)cat > partner/tenantdesk-openapi.json <<'JSON'\n(.*?)\nJSON\n`).FindStringSubmatch(doc)
	overlay := regexp.MustCompile("(?s)```json\n(\\{\n  \"extends\".*?)```").FindStringSubmatch(doc)
	if vendor == nil || overlay == nil {
		t.Fatal("the walkthrough no longer shows the vendor document and the overlay")
	}
	dir := filepath.Join(t.TempDir(), "partner")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tenantdesk-openapi.json"), []byte(vendor[1]+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tenantdesk.sync.json")
	model := "../../examples/realestate/model.json"
	code, _, stderr := runCLI(t, "init", filepath.Join(dir, "tenantdesk-openapi.json"), "--model", model, "--model-entity", "resident=tenant", "--out", out)
	if code != 0 {
		t.Fatalf("init exit %d:\n%s", code, stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(overlay[1], string(got)); d != "" {
		t.Errorf("the overlay init writes differs from the walkthrough's (-doc +init):\n%s", d)
	}
	code, vout, _ := runCLI(t, "validate", "--model", model, out)
	if code != 0 || !strings.Contains(vout, "0 error(s), 0 warning(s)") {
		t.Errorf("validate exit %d, want no finding:\n%s", code, vout)
	}
}
