package specs_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

// TestOverlayPlacesValuesInTheirFile: after an OpenAPI Overlay removed
// the first server, appended one and added x-sync, the result's source
// map puts each value in the file and at the pointer that wrote it.
func TestOverlayPlacesValuesInTheirFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vendor := writeOverlayFile(t, dir, "vendor.yaml", `openapi: 3.0.3
info: {title: t, version: "1"}
servers:
  - url: https://one
  - url: https://two
  - url: https://three
paths: {}
`)
	overlay := writeOverlayFile(t, dir, "overlay.yaml", `overlay: 1.0.0
info: {title: t, version: "1"}
extends: vendor.yaml
actions:
  - target: $.servers[0]
    remove: true
  - target: $.servers
    update: {url: https://four}
  - target: $
    update:
      x-sync:
        system: s
        entities: {}
`)
	spec, found, err := specs.Load(overlay, specs.LoadOptions{})
	if err != nil || spec == nil {
		t.Fatalf("load: %v %v", err, found)
	}
	if got := spec.Doc.Servers[0].URL; got != "https://two" {
		t.Errorf("first server %q, want https://two", got)
	}
	for _, tt := range []struct {
		pointer string
		want    specs.Finding
	}{
		{"/servers/0", specs.Finding{File: vendor, Pointer: "/servers/1", Line: 5, Column: 5}},
		{"/servers/1/url", specs.Finding{File: vendor, Pointer: "/servers/2/url", Line: 6, Column: 5}},
		{"/servers/2", specs.Finding{File: overlay, Pointer: "/actions/1/update", Line: 8, Column: 13}},
		{"/servers/2/url", specs.Finding{File: overlay, Pointer: "/actions/1/update/url", Line: 8, Column: 14}},
		{"/x-sync/system", specs.Finding{File: overlay, Pointer: "/actions/2/update/x-sync/system", Line: 12, Column: 9}},
		{"/x-sync/entities/a/key", specs.Finding{File: overlay, Pointer: "/actions/2/update/x-sync/entities/a/key", Line: 13, Column: 9}},
		{"/paths", specs.Finding{File: vendor, Pointer: "/paths", Line: 7, Column: 1}},
	} {
		got := specs.Finding{File: overlay, Pointer: tt.pointer}
		spec.Source.Place(&got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.pointer, diff)
		}
	}
	if filepath.Base(spec.Extends) != "vendor.yaml" {
		t.Errorf("Extends = %q", spec.Extends)
	}
}

// TestSimpleOverlayPlacesValuesInTheirFile: a simple overlay that adds
// only x-sync (the vendor's map is reused) places the vendor's own
// extensions and members in the vendor's file, and the x-sync in the
// overlay.
func TestSimpleOverlayPlacesValuesInTheirFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vendor := writeOverlayFile(t, dir, "vendor.json", `{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "x-logo": {"url": "https://logo"},
  "x-sync": {"system": "vendor"},
  "paths": {}
}`)
	overlay := writeOverlayFile(t, dir, "overlay.json", `{"extends": "vendor.json",
  "x-sync": {"system": "s", "entities": {}}}`)
	spec, found, err := specs.Load(overlay, specs.LoadOptions{})
	if err != nil || spec == nil {
		t.Fatalf("load: %v %v", err, found)
	}
	for _, tt := range []struct {
		pointer string
		want    specs.Finding
	}{
		{"/info/title", specs.Finding{File: vendor, Pointer: "/info/title", Line: 3, Column: 12}},
		{"/x-logo/url", specs.Finding{File: vendor, Pointer: "/x-logo/url", Line: 4, Column: 14}},
		{"/x-sync/system", specs.Finding{File: overlay, Pointer: "/x-sync/system", Line: 2, Column: 14}},
		{"/x-sync/entities/a", specs.Finding{File: overlay, Pointer: "/x-sync/entities/a", Line: 2, Column: 29}},
	} {
		got := specs.Finding{File: overlay, Pointer: tt.pointer}
		spec.Source.Place(&got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.pointer, diff)
		}
	}
}
