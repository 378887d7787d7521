package specs

import (
	"encoding/json"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// parseJSON parses data as JSON (RFC 8259) into the node tree the YAML
// parser gives for it, each node with its 1-based line and column: every
// escape is read, surrogate pairs included; a lone surrogate or a byte
// that is not UTF-8 becomes U+FFFD and a repeated member keeps its last
// value, as encoding/json does. An error is a *jsonvalue.SyntaxError.
//
// The strings of the tree share the memory of one copy of data.
func parseJSON(data []byte) (*yaml.Node, error) {
	text := string(data)
	t := &jsonTree{text: text, r: jsonvalue.NewStrictReader(text), at: textCursor{text: text, line: 1, col: 1}}
	root, err := t.value()
	if err == nil {
		err = t.r.End()
	}
	if err != nil {
		return nil, err
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{root}}, nil
}

// jsonTree builds the nodes of one JSON document. Nodes are allocated in
// blocks, and the members of the open objects and arrays wait on one
// stack, so that each Content slice is made once, at its final size.
type jsonTree struct {
	text  string
	r     *jsonvalue.Reader
	at    textCursor
	block []yaml.Node
	stack []*yaml.Node
}

// nodeBlock is how many nodes are allocated at a time.
const nodeBlock = 512

// node returns a new node of kind and tag located at the byte offset.
func (t *jsonTree) node(kind yaml.Kind, tag string, offset int) *yaml.Node {
	if len(t.block) == 0 {
		t.block = make([]yaml.Node, nodeBlock)
	}
	n := &t.block[0]
	t.block = t.block[1:]
	n.Kind, n.Tag = kind, tag
	n.Line, n.Column = t.at.position(offset)
	return n
}

// value reads the value at the reader's position.
func (t *jsonTree) value() (*yaml.Node, error) {
	offset := t.r.Offset()
	if offset < len(t.text) {
		switch t.text[offset] {
		case '{':
			return t.object(offset)
		case '[':
			return t.array(offset)
		}
	}
	v, err := t.r.Value()
	if err != nil {
		return nil, err
	}
	return t.scalar(offset, v), nil
}

// object reads an object into a mapping node.
func (t *jsonTree) object(offset int) (*yaml.Node, error) {
	n := t.node(yaml.MappingNode, "!!map", offset)
	n.Style = yaml.FlowStyle
	base := len(t.stack)
	err := t.r.Members(func(key string) error {
		k := t.node(yaml.ScalarNode, "!!str", t.r.KeyOffset())
		k.Value, k.Style = key, yaml.DoubleQuotedStyle
		v, err := t.value()
		t.stack = append(t.stack, k, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	n.Content = lastMembers(t.stack[base:])
	t.stack = t.stack[:base]
	return n, nil
}

// array reads an array into a sequence node.
func (t *jsonTree) array(offset int) (*yaml.Node, error) {
	n := t.node(yaml.SequenceNode, "!!seq", offset)
	n.Style = yaml.FlowStyle
	base := len(t.stack)
	err := t.r.Elements(func(int) error {
		v, err := t.value()
		t.stack = append(t.stack, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	n.Content = append([]*yaml.Node(nil), t.stack[base:]...)
	t.stack = t.stack[:base]
	return n, nil
}

// scalar makes the node of a string, number, boolean or null, tagged as
// the YAML parser tags it.
func (t *jsonTree) scalar(offset int, v any) *yaml.Node {
	switch v := v.(type) {
	case string:
		n := t.node(yaml.ScalarNode, "!!str", offset)
		n.Value, n.Style = v, yaml.DoubleQuotedStyle
		return n
	case json.Number:
		n := t.node(yaml.ScalarNode, numberTag(string(v)), offset)
		n.Value = string(v)
		return n
	case bool:
		n := t.node(yaml.ScalarNode, "!!bool", offset)
		n.Value = strconv.FormatBool(v)
		return n
	}
	n := t.node(yaml.ScalarNode, "!!null", offset)
	n.Value = "null"
	return n
}

// numberTag tags a JSON number as YAML does: an integer that fits 64
// bits is !!int, any other number !!float.
func numberTag(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return "!!int"
		}
		if _, err := strconv.ParseUint(s, 10, 64); err == nil {
			return "!!int"
		}
	}
	return "!!float"
}

// lastMembers copies the key and value pairs of an object, keeping only
// the last of the members that share a key.
func lastMembers(pairs []*yaml.Node) []*yaml.Node {
	out := make([]*yaml.Node, 0, len(pairs))
	repeated := repeatedKeys(pairs)
	for i := 0; i < len(pairs); i += 2 {
		if last, ok := repeated[pairs[i].Value]; !ok || last == i {
			out = append(out, pairs[i], pairs[i+1])
		}
	}
	return out
}

// repeatedKeys maps each key written more than once to the index of its
// last pair; it is nil when no key repeats (nearly always).
func repeatedKeys(pairs []*yaml.Node) map[string]int {
	var seen map[string]int
	if len(pairs) > 32 {
		seen = make(map[string]int, len(pairs)/2)
	}
	var repeated map[string]int
	for i := 0; i < len(pairs); i += 2 {
		k := pairs[i].Value
		if !keyBefore(pairs, i, k, seen) {
			continue
		}
		if repeated == nil {
			repeated = map[string]int{}
		}
		repeated[k] = i
	}
	return repeated
}

// keyBefore reports whether key k is written before pair i: in seen,
// which it fills, when there is one, else by looking at each pair.
func keyBefore(pairs []*yaml.Node, i int, k string, seen map[string]int) bool {
	if seen != nil {
		_, ok := seen[k]
		seen[k] = i
		return ok
	}
	for j := 0; j < i; j += 2 {
		if pairs[j].Value == k {
			return true
		}
	}
	return false
}

// textCursor turns byte offsets, visited in increasing order, into
// 1-based lines and columns counted in characters, in one pass over the
// text.
type textCursor struct {
	text      string
	offset    int
	line, col int
}

// position returns the line and column of the byte at offset, which must
// not be before the offset of the previous call.
func (c *textCursor) position(offset int) (line, col int) {
	for ; c.offset < offset; c.offset++ {
		switch b := c.text[c.offset]; {
		case b == '\n':
			c.line, c.col = c.line+1, 1
		case b&0xC0 != 0x80: // not a continuation byte of UTF-8
			c.col++
		}
	}
	return c.line, c.col
}
