package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/redistest"
)

// overlayFixture is a run test document split, in a folder of its own,
// into the vendor's document (without x-sync) and an overlay that adds
// the x-sync to it.
type overlayFixture struct {
	dir     string
	vendor  string // the vendor's document
	overlay string // the overlay
	bytes   []byte // the vendor's document as written
}

// splitDoc splits the run test document name into dir: "vendor-NAME" and
// an overlay "NAME" of the form given: "simple" (specsync's) or "actions"
// (OpenAPI Overlay 1.0). mutate, when not nil, changes the x-sync first.
func splitDoc(t *testing.T, dir, name, form string, mutate func(xsync map[string]any)) overlayFixture {
	t.Helper()
	data, err := os.ReadFile(runDoc(t, name))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	xsync := doc["x-sync"].(map[string]any)
	delete(doc, "x-sync")
	if mutate != nil {
		mutate(xsync)
	}
	vendor, _ := json.MarshalIndent(doc, "", "  ")
	var overlay any = map[string]any{"extends": "vendor-" + name, "x-sync": xsync}
	if form == "actions" {
		overlay = map[string]any{"overlay": "1.0.0", "info": map[string]any{"title": name, "version": "1"}, "extends": "vendor-" + name,
			"actions": []any{map[string]any{"target": "$", "update": map[string]any{"x-sync": xsync}}}}
	}
	ov, _ := json.MarshalIndent(overlay, "", "  ")
	f := overlayFixture{dir: dir, vendor: filepath.Join(dir, "vendor-"+name), overlay: filepath.Join(dir, name), bytes: vendor}
	for p, content := range map[string][]byte{f.vendor: vendor, f.overlay: ov} {
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// unchanged fails the test when the vendor's document is not byte for
// byte as it was written.
func (f overlayFixture) unchanged(t *testing.T) {
	t.Helper()
	now, err := os.ReadFile(f.vendor)
	if err != nil || string(now) != string(f.bytes) {
		t.Errorf("the vendor's document %s changed (%v)", f.vendor, err)
	}
}

// TestValidateAcceptsOverlays validates overlays of both forms against
// the model: clean ones pass; a fault of the x-sync is reported in the
// overlay, at its line and its own pointer; the vendor's document is
// never written.
func TestValidateAcceptsOverlays(t *testing.T) {
	t.Parallel()
	badKey := func(x map[string]any) { x["entities"].(map[string]any)["unit"].(map[string]any)["kee"] = "x" }
	for _, tt := range []struct{ form, pointer string }{
		{"simple", "/x-sync/entities/unit/kee"},
		{"actions", "/actions/0/update/x-sync/entities/unit/kee"},
	} {
		t.Run(tt.form, func(t *testing.T) {
			t.Parallel()
			good := splitDoc(t, t.TempDir(), "partner_upsert.json", tt.form, nil)
			code, out, _ := runCLI(t, "validate", "--model", runDoc(t, "model.json"), good.overlay)
			if code != 0 || !strings.Contains(out, "0 error(s)") {
				t.Errorf("validate: exit %d, want 0:\n%s", code, out)
			}
			good.unchanged(t)

			bad := splitDoc(t, t.TempDir(), "partner_upsert.json", tt.form, badKey)
			code, out, _ = runCLI(t, "validate", "--format", "json", "--model", runDoc(t, "model.json"), bad.overlay)
			if code != 1 {
				t.Fatalf("validate: exit %d, want 1:\n%s", code, out)
			}
			var got struct {
				Findings []struct {
					Code, File, Pointer string
					Line                int
				}
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range got.Findings {
				if f.Code == "unknown-key" {
					found = f.File == bad.overlay && f.Pointer == tt.pointer && f.Line > 0
				}
			}
			if !found {
				t.Errorf("no unknown-key finding in %s at %s:\n%s", bad.overlay, tt.pointer, out)
			}
			bad.unchanged(t)
		})
	}
}

// TestExplainAndMapAcceptOverlays: explain lists the entities of an
// overlay and names the document it extends; map applies a mapping of
// it.
func TestExplainAndMapAcceptOverlays(t *testing.T) {
	t.Parallel()
	f := splitDoc(t, t.TempDir(), "partner_upsert.json", "actions", nil)
	code, out, errOut := runCLI(t, "explain", f.overlay)
	if code != 0 {
		t.Fatalf("explain: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"extending " + f.vendor, "building", "unit", "upsert"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	record := writeFile(t, "building.json", `{"id": "b1", "name": "Haus Eins", "city": "Berlin"}`)
	code, out, errOut = runCLI(t, "map", f.overlay, "building", "--input", record)
	if code != 0 || !strings.Contains(out, "Haus Eins") {
		t.Errorf("map: exit %d:\n%s\n%s", code, out, errOut)
	}
	f.unchanged(t)
}

// TestInstancesApplyPlanAndSyncOverlays runs an instance whose home and
// partner specs are overlays (one of each form): apply stores it, plan
// and sync write through the vendor's documents, and an edit of a
// vendor's document, which the overlay does not show, makes the next
// apply report the instance changed.
func TestInstancesApplyPlanAndSyncOverlays(t *testing.T) {
	r := redistest.New(t)
	dir := t.TempDir()
	home := splitDoc(t, dir, "home.json", "simple", nil)
	partner := splitDoc(t, dir, "partner_upsert.json", "actions", nil)
	homeMock, homeURL := serveDoc(t, "home.json")
	partnerMock, partnerURL := serveDoc(t, "partner_upsert.json")
	if err := homeMock.Seed("building", []map[string]any{{"id": "b1", "name": "Haus Eins"}}); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(map[string]any{
		"id": "overlays", "organisation": "acme", "enabled": true,
		"home":        map[string]any{"spec": home.overlay, "baseUrl": homeURL},
		"partner":     map[string]any{"spec": partner.overlay, "baseUrl": partnerURL},
		"model":       runDoc(t, "model.json"),
		"permissions": map[string]any{"push": map[string]any{"building": []string{"create", "update"}}},
	})
	file := writeFile(t, "overlays.json", string(data))
	expect := cliExpect(t, r)
	expect(0, "overlays created", "instances", "apply", file)
	out := expect(0, "applied documents", "instances", "show", "overlays")
	if !strings.Contains(out, partner.vendor) {
		t.Errorf("the applied documents do not list %s:\n%s", partner.vendor, out)
	}
	expect(0, `"b1"`, "plan", "overlays", "--detail", "--push")
	if w := partnerMock.Stats().Writes(); w != 0 {
		t.Fatalf("plan wrote %d records", w)
	}
	expect(0, "", "sync", "overlays", "--push")
	if n := len(partnerMock.Records("building")); n != 1 {
		t.Errorf("the partner has %d buildings, want 1", n)
	}
	home.unchanged(t)
	partner.unchanged(t)

	expect(0, "overlays unchanged", "instances", "apply", file)
	edited := strings.Replace(string(partner.bytes), "Engine test partner (upsert)", "Engine test partner, edited", 1)
	if err := os.WriteFile(partner.vendor, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	expect(0, "overlays changed", "instances", "apply", file)
}
