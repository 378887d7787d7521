package scaffold_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/specs/scaffold"
)

// TestGenerateCorrectsVendorFaults: faults of the vendor's document that
// the overlay's entities reach are corrected in the overlay (a default
// that does not match, a numeric exclusiveMinimum in OpenAPI 3.0, a
// pattern Go cannot compile, a duplicated required entry, a response
// without a description, a conflicting path no entity uses), each with a
// todo note; an entity reached by a fault with no safe
// correction is left out. The overlay validates without errors and the
// vendor's file stays as it was.
func TestGenerateCorrectsVendorFaults(t *testing.T) {
	for _, tc := range []struct {
		doc     string
		want    map[string]any // pointer of the overlay: value
		without []string       // pointers the overlay must not have
		left    string         // the entity left out, if any
	}{
		{doc: "faults.json", want: map[string]any{
			"/paths/~1items~1{id}":                                 nil,
			"/paths/~1items/get/parameters/0/schema":               map[string]any{"type": "string"},
			"/paths/~1items/post/responses/201/description":        "No description in the vendor's document.",
			"/components/schemas/Item/required":                    []any{"id", "name"},
			"/components/schemas/Item/properties/name/default":     nil,
			"/components/schemas/Item/properties/archived/default": nil,
			"/components/schemas/Item/properties/count":            map[string]any{"minimum": 0.0, "exclusiveMinimum": true},
		}, without: []string{"/x-sync/entities/box"}, left: "box"},
		{doc: "faults_swagger.json", want: map[string]any{
			"/paths/~1tenants/get/parameters/0":           map[string]any{"name": "q", "in": "query", "type": "string"},
			"/paths/~1tenants/get/parameters/1":           map[string]any{"name": "limit", "in": "query", "type": "integer"},
			"/definitions/Tenant/required":                []any{"id"},
			"/definitions/Tenant/properties/name/default": nil,
		}},
	} {
		t.Run(tc.doc, func(t *testing.T) {
			dir := t.TempDir()
			vendor := filepath.Join(dir, tc.doc)
			copyFile(t, filepath.Join("testdata", tc.doc), vendor)
			published, _ := os.ReadFile(vendor)
			overlay := filepath.Join(dir, "vendor.sync.json")
			data, notes, err := scaffold.Generate(loadDoc(t, vendor), tc.doc, scaffold.Options{OverlayPath: overlay, Load: loadOptions()})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(overlay, data, 0o644); err != nil {
				t.Fatal(err)
			}
			checkFindings(t, specs.ValidateFiles("", []string{overlay}, loadOptions()), notes)
			var got any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			for p, want := range tc.want {
				v, ok := at(got, p)
				if diff := cmp.Diff(want, v); !ok || diff != "" {
					t.Errorf("overlay at %s (present %v) (-want +got):\n%s", p, ok, diff)
				}
			}
			for _, p := range tc.without {
				if _, ok := at(got, p); ok {
					t.Errorf("overlay has %s; want it left out", p)
				}
			}
			left := slices.ContainsFunc(notes, func(n scaffold.Note) bool { return n.Entity == tc.left && strings.HasPrefix(n.Text, "left out:") })
			if tc.left != "" && !left {
				t.Errorf("no note that %s is left out: %s", tc.left, notesText(notes))
			}
			if after, _ := os.ReadFile(vendor); !bytes.Equal(after, published) {
				t.Error("the vendor's document changed")
			}
		})
	}
}

// at returns the value at a JSON pointer of a decoded JSON document.
func at(doc any, pointer string) (any, bool) {
	v := doc
	for _, tok := range strings.Split(pointer, "/")[1:] {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch node := v.(type) {
		case map[string]any:
			c, ok := node[tok]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}
