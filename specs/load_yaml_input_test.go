package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadSurrogatePairs loads a document with surrogate pair escapes in
// a title, a schema description, a property's example and a schema's
// example: the values are the characters, the property's example fits
// its maxLength of 2 characters, and kin-openapi records the origin of
// the schema after them on the same line at the column the file has.
func TestLoadSurrogatePairs(t *testing.T) {
	t.Parallel()
	spec, fs, err := Load("testdata/surrogates.json", LoadOptions{})
	if err != nil || spec == nil {
		t.Fatalf("got %v, want the document loaded (findings: %v)", err, fs)
	}
	schemas := spec.Doc.Components.Schemas
	reaction := schemas["Reaction"].Value
	got := []any{spec.Doc.Info.Title, reaction.Description, reaction.Properties["emoji"].Value.Example, reaction.Example}
	want := []any{"Reactions 👍", "a 👍 or a 👎", "👍👍", map[string]any{"emoji": "👎"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	bad := schemas["Bad"].Value
	if bad.Origin == nil || bad.Origin.Key == nil {
		t.Fatal("kin-openapi recorded no origin: it did not read the document as YAML")
	}
	line, col := spec.Source.Locate("/components/schemas/Bad")
	if bad.Origin.Key.Line != line || bad.Origin.Key.Column != col || line != 14 || col != 228 {
		t.Errorf("Bad is at %d:%d by kin-openapi, %d:%d by the source map; want 14:228", bad.Origin.Key.Line, bad.Origin.Key.Column, line, col)
	}
	if len(fs) != 1 || fs[0].Code != CodeOpenAPIUnusedInvalid || fs[0].Pointer != "/components/schemas/Bad" || fs[0].Line != 14 || fs[0].Column != 228 {
		t.Errorf("want one openapi-unused-invalid finding at 14:228 for Bad, got %v", fs)
	}
}

func TestYAMLReadable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{`{"a": "b"}`, `{"a": "b"}`},
		{`{"a": "\u00e9\n"}`, `{"a": "\u00e9\n"}`},
		{`{"a": "x\ud83d\udc4dy", "b": 1}`, `{"a": "x\U0001f44dy"  , "b": 1}`},
		{`{"\uD83D\uDC4D\uD83D\uDC4E": 1}`, `{"\U0001f44d\U0001f44e"    : 1}`},
		{`["\ud800", "\udc4d\ud83d", "\ud83dx"]`, `["\ufffd", "\ufffd\ufffd", "\ufffdx"]`},
		{`["\\ud83d\\udc4d", "\\\ud83d\udc4d"]`, `["\\ud83d\\udc4d", "\\\U0001f44d"  ]`},
		{`{"\\": "\"\ud83d\udc4d"}`, `{"\\": "\"\U0001f44d"  }`},
	} {
		if got := string(yamlReadable([]byte(tt.in))); got != tt.want {
			t.Errorf("yamlReadable(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
