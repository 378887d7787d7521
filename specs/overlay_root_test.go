package specs_test

import (
	"strings"
	"testing"

	"github.com/specsync/specsync/specs"
)

// TestOverlayRootMembersFitTheDocument: a simple overlay's root member
// that the extended document cannot have (a typo, or an OpenAPI 3 member
// over a Swagger 2.0 document) is an overlay-invalid error in the
// overlay, with what to write instead, not a fault blamed on the vendor's
// file or a change silently dropped.
func TestOverlayRootMembersFitTheDocument(t *testing.T) {
	t.Parallel()
	const xsync = `"x-sync": {"system": "acme", "entities": {}}`
	for _, tt := range []struct {
		name, vendor, overlay, want string
	}{
		{"typo", `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}`,
			`{"extends": "vendor.json", "serverz": [{"url": "https://sandbox.example.com"}], ` + xsync + `}`,
			`overlay.json:1:28: error[overlay-invalid] "serverz" is not a root member of an OpenAPI 3 document, which this overlay extends (/serverz)` + "\n" + `    hint: did you mean "servers"?`},
		{"servers over swagger", `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "api.example.com", "paths": {}}`,
			`{"extends": "vendor.json", "servers": [{"url": "https://sandbox.example.com"}], ` + xsync + `}`,
			`"servers" is not a root member of a Swagger 2.0 document, which this overlay extends (/servers)` + "\n" + `    hint: a Swagger 2.0 document names its server with "host", "basePath" and "schemes"`},
		{"host over swagger", `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "api.example.com", "paths": {}}`,
			`{"extends": "vendor.json", "host": "sandbox.example.com", ` + xsync + `}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeOverlayFile(t, dir, "vendor.json", tt.vendor)
			path := writeOverlayFile(t, dir, "overlay.json", tt.overlay)
			_, fs, err := specs.Load(path, specs.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				if f.Code == specs.CodeOverlayInvalid {
					got = append(got, strings.ReplaceAll(f.String(), dir+"/", ""))
				}
			}
			if tt.want == "" {
				if len(got) > 0 || fs.HasErrors() {
					t.Fatalf("want no error, got %v", fs)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Fatalf("want one finding containing\n%s\ngot %v", tt.want, got)
			}
		})
	}
}
