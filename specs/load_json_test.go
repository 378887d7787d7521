package specs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// TestParseJSONSameTreeAsYAML checks that the JSON parser gives, for
// JSON the YAML parser also reads, the tree the YAML parser gives: kinds,
// tags, styles, values, lines and columns.
func TestParseJSONSameTreeAsYAML(t *testing.T) {
	docs := map[string]string{
		"escapes":   `{"e": "\" \\ \b \f \n \r \t \u00e9 \u20AC \u0041", "\u006b": 1}`,
		"numbers":   `[0, -0, 12, -7, 1.5, -2.5e-3, 1E+2, 9223372036854775807, 18446744073709551615, 123456789012345678901234567890]`,
		"literals":  `{"t": true, "f": false, "n": null, "empty": {}, "none": [], "s": ""}`,
		"columns":   "{\n\t\"ünï\": \"çödé\", \"next\": [1,\n  {\"a\" :\"€\" , \"b\":[ ]}]}\n",
		"crlf":      "{\r\n  \"a\": 1,\r\n  \"b\": \"x\"\r\n}\r\n",
		"top array": `[{"a": [[]]}, "x"]`,
	}
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "testdata/broken.json" || f == "testdata/surrogates.json" {
			continue // not JSON; JSON the YAML parser refuses
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(data)
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			var want yaml.Node
			if err := yaml.Unmarshal([]byte(doc), &want); err != nil {
				t.Fatalf("the YAML parser refuses the document: %v", err)
			}
			got, err := parseJSON([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(treeLines(want.Content[0]), treeLines(got.Content[0])); diff != "" {
				t.Errorf("tree differs (-yaml +json):\n%s", diff)
			}
		})
	}
}

// treeLines writes one line per node: position, kind, tag, style, value.
func treeLines(n *yaml.Node) []string {
	out := []string{yamlNodeLine(n)}
	for _, c := range n.Content {
		out = append(out, treeLines(c)...)
	}
	return out
}

func yamlNodeLine(n *yaml.Node) string {
	return fmt.Sprintf("%d:%d kind %d %s style %d %q (%d)", n.Line, n.Column, n.Kind, n.Tag, n.Style, n.Value, len(n.Content))
}

// TestParseJSONEscapes checks the strings the YAML parser refuses or
// reads otherwise: surrogate pairs in keys and values, lone surrogates,
// escaped NUL and every other escape.
func TestParseJSONEscapes(t *testing.T) {
	doc := `{"\ud83d\udc4d key": "thumbs \uD83D\uDC4D up", "lone": "\ud800x", "low": "\udc4d",
 "nul": "a\u0000b", "all": "\" \\ \/ \b \f \n \r \t \u00e9", "after": 1}`
	root := parseJSONRoot(t, doc)
	want := map[string]string{
		"👍 key": "thumbs 👍 up",
		"lone":  "\ufffdx",
		"low":   "\ufffd",
		"nul":   "a\x00b",
		"all":   "\" \\ / \b \f \n \r \t é",
		"after": "1",
	}
	got := map[string]string{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		got[root.Content[i].Value] = root.Content[i+1].Value
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members differ (-want +got):\n%s", diff)
	}
	if after := root.Content[len(root.Content)-2]; after.Line != 2 || after.Column != 62 {
		t.Errorf("the key after the escapes is at %d:%d, want 2:62", after.Line, after.Column)
	}
}

// TestParseJSONRepeatedMember checks that a repeated member keeps its
// last value, in the place of the last one, as encoding/json keeps it.
func TestParseJSONRepeatedMember(t *testing.T) {
	for name, doc := range map[string]string{
		"small": `{"a": 1, "b": 2, "a": 3}`,
		"large": `{"a": 1, "b": 2, ` + manyMembers(40) + `, "a": 3}`,
	} {
		t.Run(name, func(t *testing.T) {
			root := parseJSONRoot(t, doc)
			var keys []string
			for i := 0; i < len(root.Content); i += 2 {
				if k := root.Content[i].Value; k == "a" || k == "b" {
					keys = append(keys, k+"="+root.Content[i+1].Value)
				}
			}
			if diff := cmp.Diff([]string{"b=2", "a=3"}, keys); diff != "" {
				t.Errorf("members differ (-want +got):\n%s", diff)
			}
		})
	}
}

func manyMembers(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(fmt.Sprintf(`"m%d": %d`, i, i))
	}
	return b.String()
}

func parseJSONRoot(t *testing.T, doc string) *yaml.Node {
	t.Helper()
	n, err := parseJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return n.Content[0]
}

// TestParseSourceJSON checks what parseSource makes of JSON: a byte
// order mark is skipped, and a syntax error is located at the byte that
// breaks it (at the last character when the data ends too early).
func TestParseSourceJSON(t *testing.T) {
	src, err := parseSource("bom.json", []byte("\xef\xbb\xbf{\n  \"openapi\": \"3.0.3\", \"x\": \"\\ud83d\\udc4d\"}"))
	if err != nil {
		t.Fatal(err)
	}
	if line, col := src.pos.Locate("/x"); line != 2 || col != 23 {
		t.Errorf("/x at %d:%d, want 2:23", line, col)
	}
	for _, tt := range []struct{ doc, want string }{
		{"{\n  \"a\": 1,\n  }", "e.json:3:3: invalid JSON: invalid character '}' looking for beginning of object key string"},
		{"{\"é\": \"\\x\"}", `e.json:1:9: invalid JSON: invalid character 'x' in string escape code`},
		{"{\"a\": \"\\ud83d\\udc4\"}", `e.json:1:19: invalid JSON: invalid character '"' in \u hexadecimal character escape`},
		{"{\"a\": \"tab\there\"}", `e.json:1:11: invalid JSON: invalid character '\t' in string literal`},
		{"[1, 2] x", "e.json:1:8: invalid JSON: invalid character 'x' after the top-level value"},
		{"{\"a\": [1, 2\n", "e.json:1:12: invalid JSON: unexpected end of JSON input"},
		{"\xef\xbb\xbf{\"a\": tru}", "e.json:1:10: invalid JSON: invalid character '}' in literal true (expecting 'e')"},
		{"{\"a\": 01}", "e.json:1:8: invalid JSON: invalid character '1' after object key:value pair"},
		{"{\"a\": [1]]}", "e.json:1:10: invalid JSON: invalid character ']' after object key:value pair"},
		{strings.Repeat("[", 10001) + strings.Repeat("]", 10001), "e.json:1:10001: invalid JSON: exceeded max depth"},
	} {
		_, err := parseSource("e.json", []byte(tt.doc))
		var re *ReadError
		if !errors.As(err, &re) || !errors.Is(err, ErrUnreadable) {
			t.Errorf("%.20q: got %v, want a *ReadError", tt.doc, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%.20q:\n got %s\nwant %s", tt.doc, err, tt.want)
		}
	}
}

// TestParseSourceYAMLUntouched checks that YAML, including YAML in flow
// style that is not JSON, is still read by the YAML parser.
func TestParseSourceYAMLUntouched(t *testing.T) {
	src, err := parseSource("a.yaml", []byte("openapi: 3.0.3\nx: {a: [1, b]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if line, col := src.pos.Locate("/x/a/1"); line != 2 || col != 12 {
		t.Errorf("/x/a/1 at %d:%d, want 2:12", line, col)
	}
	_, err = parseSource("a.yaml", []byte("a: \"\\ud83d\\udc4d\"\n"))
	if err == nil || !strings.Contains(err.Error(), "invalid YAML") {
		t.Errorf("got %v, want the YAML parser's error", err)
	}
}
