package specs

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// nodeOrigin is where a node of an overlay's result was written: its file
// (as numbered in the result's SourceMap) and its pointer there.
type nodeOrigin struct {
	file    int32
	pointer string
}

// merger applies the values of one overlay to the document it extends,
// in place, and remembers where each value it inserted came from, so
// that the result's SourceMap locates every value in its own file.
type merger struct {
	file int32 // the overlay's number in the result's SourceMap
	// nullDeletes makes a null value delete the member it is merged into
	// (the simple form) rather than set it to null.
	nullDeletes bool
	*mergeState
}

// mergeState is what the overlays applied to one document share.
type mergeState struct {
	// origins holds the nodes inserted from an overlay; their children
	// are located below them.
	origins map[*yaml.Node]nodeOrigin
	// index holds the items of the document's arrays that an overlay
	// removed earlier items from: their index in the document's file.
	index map[*yaml.Node]int
	// touched is set when a change reaches beyond the root's x-
	// extensions, which kin-openapi then has to read from the result.
	touched bool
}

func newMergeState() *mergeState {
	return &mergeState{origins: map[*yaml.Node]nodeOrigin{}, index: map[*yaml.Node]int{}}
}

// mergeMember merges the overlay's member (key k, value v, at pointer src
// of the overlay) into the object obj at pointer dst of the document:
// objects merge by key, a null deletes (nullDeletes), anything else
// replaces.
func (m *merger) mergeMember(obj, k, v *yaml.Node, dst, src string) {
	m.touch(dst)
	i := memberIndex(obj, k.Value)
	switch {
	case v.Tag == "!!null" && m.nullDeletes:
		if i >= 0 {
			obj.Content = append(obj.Content[:i], obj.Content[i+2:]...)
		}
	case i >= 0 && obj.Content[i+1].Kind == yaml.MappingNode && v.Kind == yaml.MappingNode:
		m.mergeObject(obj.Content[i+1], v, dst, src)
	case i >= 0:
		obj.Content[i], obj.Content[i+1] = m.graft(k, src), m.graft(v, src)
	default:
		obj.Content = append(obj.Content, m.graft(k, src), m.graft(v, src))
	}
}

// mergeObject merges every member of the overlay's object v into obj.
func (m *merger) mergeObject(obj, v *yaml.Node, dst, src string) {
	for j := 0; j+1 < len(v.Content); j += 2 {
		k := v.Content[j]
		m.mergeMember(obj, k, v.Content[j+1], jsonptr.Join(dst, k.Value), jsonptr.Join(src, k.Value))
	}
}

// appendItem appends the overlay's value v (at src) to the array arr at
// dst.
func (m *merger) appendItem(arr, v *yaml.Node, dst, src string) {
	m.touch(dst)
	arr.Content = append(arr.Content, m.graft(v, src))
}

// remove deletes the value at Content[at] of parent (an object member or
// an array item) at pointer dst of the document.
func (m *merger) remove(parent *yaml.Node, at int, dst string) {
	m.touch(dst)
	if parent.Kind == yaml.MappingNode {
		parent.Content = append(parent.Content[:at-1], parent.Content[at+1:]...)
		return
	}
	for i, item := range parent.Content {
		if _, ok := m.index[item]; !ok {
			m.index[item] = i
		}
	}
	parent.Content = append(parent.Content[:at], parent.Content[at+1:]...)
}

// touch notes a change at dst.
func (m *merger) touch(dst string) {
	tokens := jsonptr.Split(dst)
	if len(tokens) == 0 || !strings.HasPrefix(tokens[0], "x-") {
		m.touched = true
	}
}

// graft returns a copy of the overlay's node n (at src), remembered as
// coming from there. Copies keep one overlay value applied to several
// targets from being shared.
func (m *merger) graft(n *yaml.Node, src string) *yaml.Node {
	c := copyNode(n)
	m.origins[c] = nodeOrigin{file: m.file, pointer: src}
	return c
}

// copyNode copies a node tree.
func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, x := range n.Content {
			c.Content[i] = copyNode(x)
		}
	}
	return &c
}

// memberIndex returns the index in obj.Content of the key name, or -1.
func memberIndex(obj *yaml.Node, name string) int {
	for i := 0; i+1 < len(obj.Content); i += 2 {
		if obj.Content[i].Value == name {
			return i
		}
	}
	return -1
}

// newMergedSourceMap records the positions of an overlay's result under
// root: nodes an overlay inserted in that overlay (file 0, the map's own,
// for the outer one; file 2 for an overlay it extends), the others in the
// document the overlays extend (file 1). files names the files 1 and up.
func newMergedSourceMap(root *yaml.Node, files []string, m *mergeState) *SourceMap {
	sm := newEmptySourceMap(files)
	sm.moved = map[string]string{}
	sm.recordMerged(-1, "", "", root, root, nodeOrigin{file: 1}, m)
	sm.names = nil
	return sm
}

// recordMerged records the position of at (in the file of n's origin o)
// as the value named name in parent, at pointer p, and walks n's
// children.
func (sm *SourceMap) recordMerged(parent int32, name, p string, at, n *yaml.Node, o nodeOrigin, m *mergeState) {
	if og, ok := m.origins[n]; ok {
		o = og
	}
	i := sm.add(parent, name, position{int32(at.Line), int32(at.Column), o.file})
	if o.pointer != p {
		sm.moved[p] = o.pointer
	}
	switch n.Kind {
	case yaml.MappingNode:
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j], n.Content[j+1]
			sm.recordMerged(i, k.Value, jsonptr.Join(p, k.Value), k, v, nodeOrigin{o.file, jsonptr.Join(o.pointer, k.Value)}, m)
		}
	case yaml.SequenceNode:
		for j, v := range n.Content {
			from, ok := m.index[v]
			if !ok {
				from = j
			}
			sm.recordMerged(i, strconv.Itoa(j), jsonptr.Join(p, strconv.Itoa(j)), v, v, nodeOrigin{o.file, jsonptr.Join(o.pointer, strconv.Itoa(from))}, m)
		}
	}
}

// replace puts the overlay's value v (at src) in place of the value at
// Content[at] of parent, at dst of the document.
func (m *merger) replace(parent *yaml.Node, at int, v *yaml.Node, dst, src string) {
	m.touch(dst)
	if parent.Kind == yaml.MappingNode {
		key := *parent.Content[at-1]
		key.Line, key.Column = v.Line, v.Column
		parent.Content[at-1] = &key
	}
	parent.Content[at] = m.graft(v, src)
}

// reuseSourceMap turns the vendor's own map into the map of an overlay's
// result when the overlays changed nothing but the root's x- extensions:
// every position moves to file 1 and the extensions are recorded again
// from the result. It saves building a second map of a large document.
func reuseSourceMap(vendor *SourceMap, root *yaml.Node, files []string, m *mergeState) *SourceMap {
	vendor.files, vendor.moved = files, map[string]string{}
	for i := range vendor.nodes {
		vendor.nodes[i].pos.file = 1
	}
	for k := range vendor.children {
		if k.parent == 0 && strings.HasPrefix(k.name, "x-") {
			vendor.remove(0, k.name)
		}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if p := jsonptr.Join("", k.Value); strings.HasPrefix(p, "/x-") {
			vendor.recordMerged(0, k.Value, p, k, v, nodeOrigin{1, p}, m)
		}
	}
	return vendor
}
