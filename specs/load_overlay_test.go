package specs_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

// overlayDir is the folder of the overlay fixtures.
const overlayDir = "testdata/overlay"

// overlayFindingCodes lists "code pointer" of each finding.
func overlayFindingCodes(fs specs.Findings) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+" "+f.Pointer)
	}
	return out
}

// TestOverlayRecordsEveryFileItRead loads an overlay through a
// FileRecorder, then again from exactly the recorded files: the vendor's
// document and its sibling schema file are among them, under the absolute
// locations a $ref is read from, and the second load finds the same.
func TestOverlayRecordsEveryFileItRead(t *testing.T) {
	t.Parallel()
	rec := &specs.FileRecorder{}
	opts := loadOptions()
	opts.Files = rec
	spec, found, err := specs.Load(filepath.Join(overlayDir, "simple.json"), opts)
	if err != nil || spec == nil {
		t.Fatalf("load: %v %v", err, found)
	}
	if want := filepath.Join(overlayDir, "vendor", "openapi.json"); spec.Extends != want {
		t.Errorf("Extends = %q, want %q", spec.Extends, want)
	}
	files := rec.Files()
	abs, _ := filepath.Abs(overlayDir)
	for _, want := range []string{filepath.Join(overlayDir, "simple.json"), filepath.Join(abs, "vendor", "openapi.json"), filepath.Join(abs, "vendor", "schemas.yaml")} {
		if _, ok := files[want]; !ok {
			t.Errorf("the recorder holds no %s; it holds %v", want, slices.Sorted(maps.Keys(files)))
		}
	}
	opts.Files = files
	_, again, err := specs.Load(filepath.Join(overlayDir, "simple.json"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(found, again); diff != "" {
		t.Errorf("findings from the recorded files differ (-disk +recorded):\n%s", diff)
	}
}

// TestOverlayExtendsSwaggerYAML: a simple overlay (YAML) of a Swagger 2.0
// document (YAML) loads; the converted operations are there and an
// x-sync fault is reported in the overlay.
func TestOverlayExtendsSwaggerYAML(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeOverlayFile(t, dir, "swagger.yaml", `swagger: "2.0"
info: {title: Petstore, version: "1"}
host: pets.example
basePath: /v1
schemes: [https]
paths:
  /pets:
    get:
      operationId: listPets
      produces: [application/json]
      responses:
        "200":
          description: pets
          schema:
            type: array
            items: {$ref: "#/definitions/Pet"}
definitions:
  Pet:
    type: object
    properties:
      id: {type: string}
      name: {type: string}
`)
	overlay := writeOverlayFile(t, dir, "pets.yaml", `extends: swagger.yaml
x-sync:
  system: pets
  entities:
    pet:
      model: tenant
      key: id
      list: {operation: listPet}
`)
	spec, found, err := specs.Load(overlay, loadOptions())
	if err != nil || spec == nil {
		t.Fatalf("load: %v %v", err, found)
	}
	if _, ok := spec.Operation("listPets"); !ok {
		t.Error("the converted document has no listPets")
	}
	want := []string{"unknown-operation /x-sync/entities/pet/list/operation"}
	if diff := cmp.Diff(want, overlayFindingCodes(found)); diff != "" {
		t.Errorf("findings (-want +got):\n%s\n%v", diff, found)
	}
	if f := found[0]; f.File != overlay || f.Line != 8 {
		t.Errorf("finding at %s:%d, want %s:8", f.File, f.Line, overlay)
	}
}

// TestOverlayExtendsRemoteDocument: an overlay may extend a URL only when
// remote references are allowed; the vendor's relative $refs then resolve
// against the URL.
func TestOverlayExtendsRemoteDocument(t *testing.T) {
	t.Parallel()
	vendor, _ := os.ReadFile(filepath.Join(overlayDir, "vendor", "openapi.json"))
	schemas, _ := os.ReadFile(filepath.Join(overlayDir, "vendor", "schemas.yaml"))
	local, _ := os.ReadFile(filepath.Join(overlayDir, "simple.json"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/openapi.json", "/api/vendor/openapi.json":
			_, _ = w.Write(vendor)
		case "/api/schemas.yaml", "/api/vendor/schemas.yaml":
			_, _ = w.Write(schemas)
		case "/api/simple.json":
			_, _ = w.Write(local)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	overlay := writeOverlayFile(t, t.TempDir(), "remote.json", strings.Replace(string(local), `"vendor/openapi.json"`, `"`+srv.URL+`/api/openapi.json"`, 1))

	_, found, err := specs.Load(overlay, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"external-ref-refused /extends"}, overlayFindingCodes(found)); diff != "" {
		t.Errorf("without remote references (-want +got):\n%s", diff)
	}

	opts := loadOptions()
	opts.AllowRemoteRefs = true
	spec, found, err := specs.Load(overlay, opts)
	if err != nil || spec == nil {
		t.Fatalf("load: %v %v", err, found)
	}
	if spec.Extends != srv.URL+"/api/openapi.json" {
		t.Errorf("Extends = %q", spec.Extends)
	}

	// An overlay of the remote overlay: the remote one's relative
	// extends resolves against its URL.
	chained := writeOverlayFile(t, t.TempDir(), "chained.json", `{"extends": "`+srv.URL+`/api/simple.json", "x-sync": {"system": "acme", "entities": {}}}`)
	spec, found, err = specs.Load(chained, opts)
	if err != nil || spec == nil || spec.Extends != srv.URL+"/api/vendor/openapi.json" {
		t.Errorf("the overlay of the remote overlay: %v %+v %v", err, spec, found)
	}
	want := []string{"create-not-crash-safe /x-sync/entities/tenant/create", "unknown-write-field /x-sync/entities/tenant/write/mail"}
	if diff := cmp.Diff(want, overlayFindingCodes(found)); diff != "" {
		t.Errorf("with remote references (-want +got):\n%s\n%v", diff, found)
	}
}

// TestOverlayNeverWritesTheVendorDocument: loading overlays of both forms
// leaves the vendor's files byte for byte as they were.
func TestOverlayNeverWritesTheVendorDocument(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	names := []string{"openapi.json", "schemas.yaml"}
	before := map[string][]byte{}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(overlayDir, "vendor", name))
		if err != nil {
			t.Fatal(err)
		}
		before[name] = data
		writeOverlayFile(t, filepath.Join(dir, "vendor"), name, string(data))
	}
	for _, name := range []string{"simple.json", "actions.yaml"} {
		data, _ := os.ReadFile(filepath.Join(overlayDir, name))
		if _, _, err := specs.Load(writeOverlayFile(t, dir, name, string(data)), loadOptions()); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		after, _ := os.ReadFile(filepath.Join(dir, "vendor", name))
		if string(after) != string(before[name]) {
			t.Errorf("vendor/%s changed", name)
		}
	}
}

// writeOverlayFile writes content to dir/name (creating dir) and returns the path.
func writeOverlayFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
