package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
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

// TestSourceMapPositionIndex pins that every value's position leads back
// to its pointer, escapes included, and that has knows exactly the
// values written.
func TestSourceMapPositionIndex(t *testing.T) {
	t.Parallel()
	m, err := NewSourceMap([]byte("{\n  \"a\": {\n    \"b/c\": [10, {\"d~e\": true}]\n  }\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	index := m.positionIndex()
	for _, p := range []string{"", "/a", "/a/b~1c", "/a/b~1c/0", "/a/b~1c/1/d~0e"} {
		if !m.has(p) {
			t.Errorf("has(%q) = false", p)
		}
		line, col := m.Locate(p)
		i, ok := index[position{int32(line), int32(col), 0}]
		if got := m.pointer(i); !ok || got != p {
			t.Errorf("the position of %q (%d:%d) gives %q, %v", p, line, col, got, ok)
		}
	}
	for _, p := range []string{"/a/b~1c/2", "/b", "a", "/a/b/c"} {
		if m.has(p) {
			t.Errorf("has(%q) = true", p)
		}
	}
}

// TestReuseSourceMapDropsExtensions pins that the vendor's map reused for
// an overlay's result forgets the root extensions the result no longer
// has, and those values' positions.
func TestReuseSourceMapDropsExtensions(t *testing.T) {
	t.Parallel()
	vendor, err := NewSourceMap([]byte("{\n  \"a\": 1,\n  \"x-old\": {\"k\": 2}\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var result yaml.Node
	if err := yaml.Unmarshal([]byte("a: 1\nx-new: 3\n"), &result); err != nil {
		t.Fatal(err)
	}
	m := reuseSourceMap(vendor, result.Content[0], []string{"vendor.json"}, newMergeState())
	if m.has("/x-old") || m.has("/x-old/k") || !m.has("/x-new") || !m.has("/a") {
		t.Errorf("has /x-old %v, /x-old/k %v, /x-new %v, /a %v", m.has("/x-old"), m.has("/x-old/k"), m.has("/x-new"), m.has("/a"))
	}
	if i, ok := m.positionIndex()[position{3, 13, 1}]; ok {
		t.Errorf("the position of the removed /x-old/k gives %q", m.pointer(i))
	}
	if got, want := m.where("/a"), (location{File: "vendor.json", Pointer: "/a", Line: 2, Column: 3}); got != want {
		t.Errorf("where(/a) = %+v, want %+v", got, want)
	}
}
