package specs

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// SourceMap finds the line and column of a JSON pointer in the file a
// document was read from. It is built once from the file's bytes (JSON or
// YAML) and is safe for concurrent use.
type SourceMap struct {
	positions map[string]position
}

// position is a 1-based line and column.
type position struct{ line, col int }

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
	m.positions[p] = position{at.Line, at.Column}
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
	if m == nil {
		return 0, 0
	}
	for {
		if pos, ok := m.positions[pointer]; ok {
			return pos.line, pos.col
		}
		if pointer == "" {
			return 0, 0
		}
		pointer = parentPointer(pointer)
	}
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
