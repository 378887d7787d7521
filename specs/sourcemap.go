package specs

import (
	"fmt"

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
	positions map[string]position
	// files names the files of positions whose file is not 0, the file
	// the map belongs to: files[i-1] for file i.
	files []string
	// moved holds the pointers whose value is written at another pointer
	// of its file: in an overlay's action, or after an overlay removed an
	// earlier item of its array.
	moved map[string]string
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
	m := &SourceMap{positions: make(map[string]position)}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	m.record("", root, root)
	return m
}

// record stores the position of at for pointer p and walks n's children.
// Members are located at their key, array items at the item. Aliases are
// not followed: their values are located at the alias.
func (m *SourceMap) record(p string, at, n *yaml.Node) {
	m.positions[p] = position{int32(at.Line), int32(at.Column), 0}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			m.record(jsonptr.Join(p, k.Value), k, v)
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			m.record(jsonptr.Join(p, fmt.Sprint(i)), v, v)
		}
	}
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
	for at := pointer; ; at = parentPointer(at) {
		if pos, ok := m.positions[at]; ok {
			return m.placed(pointer, at, pos)
		}
		if at == "" {
			return location{Pointer: pointer}
		}
	}
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
	_, ok := m.positions[pointer]
	return ok
}
