package specs

// existing returns p, or its nearest ancestor the file has: a pointer
// printed in a finding always names a node of the file. A nil SourceMap
// returns p.
func (m *SourceMap) existing(p string) string {
	if m == nil {
		return p
	}
	for p != "" && !m.has(p) {
		p = parentPointer(p)
	}
	return p
}

// positionIndex maps each position of m to the shortest pointer written
// there (an object and its first member share a position in flow and
// block sequences; the object is meant), as the index of its value.
func (m *SourceMap) positionIndex() map[position]int32 {
	out := make(map[position]int32, len(m.nodes))
	for i := range m.nodes {
		if !m.reachable(int32(i)) {
			continue
		}
		pos := m.nodes[i].pos
		if q, ok := out[pos]; !ok || m.shorter(int32(i), q) {
			out[pos] = int32(i)
		}
	}
	return out
}

// shorter reports whether the pointer of value i is shorter than that of
// value j, or as long and sorted first.
func (m *SourceMap) shorter(i, j int32) bool {
	p, q := m.pointer(i), m.pointer(j)
	return len(p) < len(q) || (len(p) == len(q) && p < q)
}

// reachable reports whether value i is still in the map: it and its
// ancestors were not removed (see SourceMap.remove).
func (m *SourceMap) reachable(i int32) bool {
	for ; i > 0; i = m.nodes[i].parent {
		if c, ok := m.children[childKey{m.nodes[i].parent, m.nodes[i].name}]; !ok || c != i {
			return false
		}
	}
	return true
}

// remove removes the value named name from its parent, with the values
// under it.
func (m *SourceMap) remove(parent int32, name string) {
	delete(m.children, childKey{parent, name})
}

// documentFile is the file of m's positions that kin-openapi read: the
// map's own file, or the extended document (the first of files) when m
// is an overlay's.
func (m *SourceMap) documentFile() int32 {
	if len(m.files) > 0 {
		return 1
	}
	return 0
}
