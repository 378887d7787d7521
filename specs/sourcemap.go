package specs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// SourceMap finds the line and column of a JSON pointer in the file a
// document was read from. It is built once from the file's bytes (JSON or
// YAML) and is safe for concurrent use.
//
// The map of an overlay's result (see Load) spans several files: each
// value is located in the file that wrote it (the vendor's document or
// the overlay), at its pointer in that file (Place).
type SourceMap struct {
	// nodes holds the position of each value, nodes[0] the root's; a
	// value's parent is its object or array.
	nodes []sourceNode
	// children finds a value by its parent and its member name or array
	// index (unescaped). A value is stored once, not under its whole
	// pointer: the map of a 3.4 MB document holds 61,000 values.
	children map[childKey]int32
	// names holds one copy of each member name, while the map is built.
	names map[string]string
	// files names the files of positions whose file is not 0, the file
	// the map belongs to: files[i-1] for file i.
	files []string
	// moved holds the pointers whose value is written at another pointer
	// of its file: in an overlay's action, or after an overlay removed an
	// earlier item of its array.
	moved map[string]string
}

// sourceNode is a value of a SourceMap: its parent's index (-1 for the
// root), its name in the parent and where it is written.
type sourceNode struct {
	parent int32
	name   string
	pos    position
}

// childKey finds a value in its parent: the parent's index and the
// member's name or the item's index.
type childKey struct {
	parent int32
	name   string
}

// position is a 1-based line and column, and the file it is in (0 for the
// map's own file, see SourceMap.files).
type position struct{ line, col, file int32 }

// NewSourceMap parses data (JSON or YAML) and records where every value
// is written.
func NewSourceMap(data []byte) (*SourceMap, error) {
	doc, err := parseTree("", data)
	if err != nil {
		return nil, fmt.Errorf("reading source positions: %w", err)
	}
	return newSourceMap(doc), nil
}

// newSourceMap records the positions of the tree under root.
func newSourceMap(root *yaml.Node) *SourceMap {
	m := newEmptySourceMap(nil)
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	m.record(-1, "", root, root)
	m.names = nil
	return m
}

// newEmptySourceMap returns a map with no values, of the given files.
func newEmptySourceMap(files []string) *SourceMap {
	return &SourceMap{children: map[childKey]int32{}, names: map[string]string{}, files: files}
}

// add records that the value named name in parent (-1 for the root) is
// written at pos, and returns its index. Recording a value again moves it.
func (m *SourceMap) add(parent int32, name string, pos position) int32 {
	if parent < 0 {
		if len(m.nodes) == 0 {
			m.nodes = append(m.nodes, sourceNode{parent: -1})
		}
		m.nodes[0].pos = pos
		return 0
	}
	k := childKey{parent, m.name(name)}
	if i, ok := m.children[k]; ok {
		m.nodes[i].pos = pos
		return i
	}
	i := int32(len(m.nodes))
	m.nodes = append(m.nodes, sourceNode{parent: parent, name: k.name, pos: pos})
	m.children[k] = i
	return i
}

// name returns the map's copy of a member name, so that the map keeps
// no part of the parsed file alive.
func (m *SourceMap) name(s string) string {
	if c, ok := m.names[s]; ok {
		return c
	}
	if m.names == nil {
		return strings.Clone(s)
	}
	c := strings.Clone(s)
	m.names[c] = c
	return c
}

// record stores the position of at as the value named name in parent and
// walks n's children. Members are located at their key, array items at
// the item. Aliases are not followed: their values are located at the
// alias.
func (m *SourceMap) record(parent int32, name string, at, n *yaml.Node) {
	i := m.add(parent, name, position{int32(at.Line), int32(at.Column), 0})
	switch n.Kind {
	case yaml.MappingNode:
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j], n.Content[j+1]
			m.record(i, k.Value, k, v)
		}
	case yaml.SequenceNode:
		for j, v := range n.Content {
			m.record(i, strconv.Itoa(j), v, v)
		}
	}
}

// find returns the index of the value at pointer, or of its nearest
// ancestor that exists, with the length of that ancestor's pointer; ok
// is false when the map has no root.
func (m *SourceMap) find(pointer string) (i int32, at int, ok bool) {
	if len(m.nodes) == 0 {
		return 0, 0, false
	}
	if !strings.HasPrefix(pointer, "/") {
		return 0, 0, true
	}
	for at < len(pointer) {
		end := strings.IndexByte(pointer[at+1:], '/')
		if end < 0 {
			end = len(pointer)
		} else {
			end += at + 1
		}
		c, found := m.children[childKey{i, jsonptr.Unescape(pointer[at+1 : end])}]
		if !found {
			break
		}
		i, at = c, end
	}
	return i, at, true
}

// pointer rebuilds the pointer of the value at index i.
func (m *SourceMap) pointer(i int32) string {
	var names []string
	for ; i > 0; i = m.nodes[i].parent {
		names = append(names, m.nodes[i].name)
	}
	slices.Reverse(names)
	return jsonptr.Join("", names...)
}

// Locate returns the 1-based line and column where the value at pointer is
// written (for an object member, where its key is). When the pointer does
// not exist in the file (a missing key, a value from another file) it
// returns the position of the nearest ancestor that does. A nil SourceMap
// returns 0, 0.
func (m *SourceMap) Locate(pointer string) (line, col int) {
	l := m.where(pointer)
	return l.Line, l.Column
}

// Place sets the file, pointer, line and column of f from the pointer f
// holds, which is a pointer of the document the map describes: f.File
// changes only when the value is written in another file than the map's
// own (a vendor's document extended by an overlay, or the overlay), and
// f.Pointer only when the value sits elsewhere in that file (in an
// overlay's action). A nil SourceMap leaves f unlocated.
func (m *SourceMap) Place(f *Finding) {
	l := m.where(f.Pointer)
	if l.File != "" {
		f.File = l.File
	}
	f.Pointer, f.Line, f.Column = l.Pointer, l.Line, l.Column
}

// location is where a value is written: the file (empty for the map's
// own), its pointer in that file and its 1-based line and column.
type location struct {
	File, Pointer string
	Line, Column  int
}

// where locates pointer, or its nearest ancestor that exists.
func (m *SourceMap) where(pointer string) location {
	if m == nil {
		return location{Pointer: pointer}
	}
	i, at, ok := m.find(pointer)
	if !ok {
		return location{Pointer: pointer}
	}
	return m.placed(pointer, pointer[:at], m.nodes[i].pos)
}

// placed builds the location of pointer, found at its ancestor (or
// itself) at.
func (m *SourceMap) placed(pointer, at string, pos position) location {
	l := location{Pointer: pointer, Line: int(pos.line), Column: int(pos.col)}
	if pos.file > 0 {
		l.File = m.files[pos.file-1]
	}
	if moved, ok := m.moved[at]; ok {
		l.Pointer = moved + pointer[len(at):]
	}
	return l
}

// has reports whether the file has a value at pointer (RFC 6901, as in a
// $ref fragment: "/components/schemas/Lease").
func (m *SourceMap) has(pointer string) bool {
	if m == nil {
		return false
	}
	_, at, ok := m.find(pointer)
	return ok && at == len(pointer) && (pointer == "" || pointer[0] == '/')
}
