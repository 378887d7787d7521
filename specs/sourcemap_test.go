package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSourceMapLocate(t *testing.T) {
	t.Parallel()
	jsonDoc := "{\n  \"a\": {\n    \"b/c\": [10, {\"d\": true}]\n  },\n  \"é\": \"x\"\n}\n"
	yamlDoc := "a:\n  b/c:\n    - 10\n    - d: true\né: x\n"
	tests := []struct {
		name, doc, pointer string
		want               [2]int
	}{
		{"json root", jsonDoc, "", [2]int{1, 1}},
		{"json member at its key", jsonDoc, "/a", [2]int{2, 3}},
		{"json escaped key", jsonDoc, "/a/b~1c", [2]int{3, 5}},
		{"json array item", jsonDoc, "/a/b~1c/1", [2]int{3, 17}},
		{"json nested member", jsonDoc, "/a/b~1c/1/d", [2]int{3, 18}},
		{"json missing falls back to the nearest ancestor", jsonDoc, "/a/b~1c/1/zz/y", [2]int{3, 17}},
		{"json unicode key", jsonDoc, "/é", [2]int{5, 3}},
		{"yaml member", yamlDoc, "/a/b~1c", [2]int{2, 3}},
		{"yaml array item", yamlDoc, "/a/b~1c/1", [2]int{4, 7}},
		{"yaml nested member", yamlDoc, "/a/b~1c/1/d", [2]int{4, 7}},
		{"yaml missing key", yamlDoc, "/a/nope", [2]int{1, 1}},
		{"yaml unicode key", yamlDoc, "/é", [2]int{5, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewSourceMap([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			line, col := m.Locate(tt.pointer)
			if diff := cmp.Diff(tt.want, [2]int{line, col}); diff != "" {
				t.Errorf("Locate(%q) (-want +got):\n%s", tt.pointer, diff)
			}
		})
	}
}

func TestSourceMapNil(t *testing.T) {
	t.Parallel()
	var m *SourceMap
	if line, col := m.Locate("/a"); line != 0 || col != 0 {
		t.Errorf("nil SourceMap located /a at %d:%d", line, col)
	}
}

func TestNewSourceMapBrokenYAML(t *testing.T) {
	t.Parallel()
	if _, err := NewSourceMap([]byte("a: [1,\n  b: 2")); err == nil {
		t.Error("no error for broken YAML")
	}
}
