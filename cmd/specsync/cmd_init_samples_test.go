package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitFromSamplesWritesDocumentAndOverlayThatValidate(t *testing.T) {
	for _, samples := range []string{"propertyhub.har", "crm"} {
		t.Run(samples, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "partner.sync.json")
			name := strings.TrimSuffix(samples, ".har")
			code, _, stderr := runCLI(t, "init", "--from-samples", filepath.Join("..", "..", "specs", "samples", "testdata", samples), "--out", out)
			if code != 0 {
				t.Fatalf("init exit %d\n%s", code, stderr)
			}
			if !strings.Contains(stderr, "wrote "+filepath.Join(dir, name+".openapi.json")) {
				t.Errorf("stderr does not say where the document went:\n%s", stderr)
			}
			overlay, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(overlay), `"extends": "`+name+`.openapi.json"`) {
				t.Errorf("the overlay does not extend the inferred document:\n%s", overlay)
			}
			inferred, err := os.ReadFile(filepath.Join(dir, name+".openapi.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"eyJhbGciOiJIUzI1NiJ9", "Winter2024", "QmFkU2Vzc2lvblNlY3JldA", "sk_live_51HcrmSECRETkey0000"} {
				if strings.Contains(string(inferred)+string(overlay), secret) {
					t.Errorf("a captured secret reached the written files: %s", secret)
				}
			}
			code, stdout, stderr := runCLI(t, "validate", out)
			if code != 0 || !strings.Contains(stdout+stderr, " 0 error(s)") {
				t.Errorf("validate exit %d:\n%s%s", code, stdout, stderr)
			}
			// A second init with another overlay would overwrite the
			// document, perhaps completed by hand since: it refuses.
			doc := filepath.Join(dir, name+".openapi.json")
			if err := os.WriteFile(doc, []byte("completed by hand"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr = runCLI(t, "init", "--from-samples", filepath.Join("..", "..", "specs", "samples", "testdata", samples), "--out", filepath.Join(dir, "other.sync.json"))
			if kept, _ := os.ReadFile(doc); code != 2 || !strings.Contains(stderr, doc+" exists") || string(kept) != "completed by hand" {
				t.Errorf("a second init overwrote the document: exit %d\n%s", code, stderr)
			}
		})
	}
}

func TestInitTakesADocumentOrSamples(t *testing.T) {
	for _, args := range [][]string{{"init"}, {"init", "vendor.json", "--from-samples", "dir"}} {
		if code, _, stderr := runCLI(t, args...); code != 2 || !strings.Contains(stderr, "--from-samples") {
			t.Errorf("%q: exit %d\n%s", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "init", "--from-samples", t.TempDir()); code != 1 || !strings.Contains(stderr, "no samples of API calls found") {
		t.Errorf("empty folder: exit %d\n%s", code, stderr)
	}
}

func TestInitFromSamplesFlags(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "crm-api.json")
	code, _, stderr := runCLI(t, "init", "--from-samples", filepath.Join("..", "..", "specs", "samples", "testdata", "crm"),
		"--openapi", doc, "--server", "https://crm.example/api", "--examples", "--out", filepath.Join(dir, "crm.sync.json"))
	if code != 0 {
		t.Fatalf("init exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"url": "https://crm.example/api"`, `"example": {`, `"password": "REDACTED"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the document lacks %s", want)
		}
	}
	code, _, stderr = runCLI(t, "init", "--from-samples", filepath.Join("..", "..", "specs", "samples", "testdata", "propertyhub.har"),
		"--origin", "https://analytics.tracker.example", "--out", filepath.Join(dir, "tracker.sync.json"))
	if code != 1 || !strings.Contains(stderr, "14 calls skipped: calls to another host than https://analytics.tracker.example") {
		t.Errorf("--origin: exit %d (the tracker has no collection to write an overlay for)\n%s", code, stderr)
	}
}
