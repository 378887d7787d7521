package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keyDoc is a vendor document with an apiKey scheme and one collection.
const keyDoc = `{"openapi": "3.0.3", "info": {"title": "Key Vendor", "version": "1"},
  "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}},
  "paths": {
    "/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok",
      "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}},
    "/widgets": {"get": {"operationId": "listWidgets", "responses": {"200": {"description": "ok",
      "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}}}}
  }}`

func TestInitWritesOverlayThatValidates(t *testing.T) {
	doc := writeFile(t, "vendor.json", keyDoc)
	out := filepath.Join(filepath.Dir(doc), "vendor.sync.json")
	code, _, stderr := runCLI(t, "init", doc, "--out", out, "--entity", "widget")
	if code != 0 {
		t.Fatalf("init exit %d:\n%s", code, stderr)
	}
	var overlay struct {
		Extends string         `json:"extends"`
		Sync    map[string]any `json:"x-sync"`
	}
	data, err := os.ReadFile(out)
	if err != nil || json.Unmarshal(data, &overlay) != nil {
		t.Fatalf("read overlay: %v\n%s", err, data)
	}
	if overlay.Extends != "vendor.json" {
		t.Errorf("extends = %q, want vendor.json (relative to the overlay)", overlay.Extends)
	}
	auth, _ := json.Marshal(overlay.Sync["auth"])
	if want := `{"in":"header","key":{"credential":"api_key"},"name":"X-Api-Key","type":"apiKey"}`; string(auth) != want {
		t.Errorf("auth = %s, want %s", auth, want)
	}
	if entities := overlay.Sync["entities"].(map[string]any); len(entities) != 1 || entities["widget"] == nil {
		t.Errorf("entities = %v, want widget alone (--entity)", entities)
	}
	code, vout, _ := runCLI(t, "validate", out)
	if code != 0 || !strings.Contains(vout, "0 error(s)") || !strings.Contains(vout, "warning[todo]") {
		t.Errorf("validate exit %d, want 0 with todo warnings:\n%s", code, vout)
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	doc := writeFile(t, "vendor.json", keyDoc)
	out := filepath.Join(filepath.Dir(doc), "taken.json")
	if err := os.WriteFile(out, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "init", doc, "--out", out)
	if code != 2 || !strings.Contains(stderr, "--force") {
		t.Fatalf("exit %d, want 2 naming --force:\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(out); string(data) != "mine" {
		t.Fatalf("the existing file was changed: %q", data)
	}
	if code, _, stderr := runCLI(t, "init", doc, "--out", out, "--force"); code != 0 {
		t.Fatalf("--force: exit %d:\n%s", code, stderr)
	}
}

func TestInitStdout(t *testing.T) {
	doc := writeFile(t, "vendor.json", keyDoc)
	code, _, stderr := runCLI(t, "init", doc, "--entity", "nothing")
	if code != 1 || !strings.Contains(stderr, `no collection "nothing"`) {
		t.Fatalf("unknown entity: exit %d, want 1:\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "init", doc)
	if code != 0 || !strings.HasPrefix(stdout, "{\n  \"extends\": ") || !strings.Contains(stderr, "TODO") {
		t.Fatalf("exit %d, want the overlay on stdout and notes on stderr:\n%s\n%s", code, stdout, stderr)
	}
}

// TestInitCorrectsFaultsOutsideFolder: init corrects the faults of a
// vendor document the overlay's entities reach also when the overlay goes
// to another folder (its extends starts with ../), and the overlay then
// validates without errors with --allow-external-files.
func TestInitCorrectsFaultsOutsideFolder(t *testing.T) {
	faulty := strings.Replace(keyDoc, `"properties": {"id": {"type": "string"}}}}}}}}}},`, `"properties": {"id": {"type": "string", "default": 1}}}}}}}}}},`, 1)
	if faulty == keyDoc {
		t.Fatal("the fault was not written into the document")
	}
	doc := writeFile(t, "vendor.json", faulty)
	out := filepath.Join(filepath.Dir(doc), "sync", "vendor.sync.json")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "init", doc, "--out", out, "--entity", "thing"); code != 0 || !strings.Contains(stderr, "deleted the default") {
		t.Fatalf("init exit %d, want 0 naming the deleted default:\n%s", code, stderr)
	}
	if code, vout, _ := runCLI(t, "validate", "--allow-external-files", out); code != 0 || !strings.Contains(vout, " 0 error(s)") {
		t.Errorf("validate exit %d, want 0 without errors:\n%s", code, vout)
	}
}
