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
// block sequences; the object is meant).
func (m *SourceMap) positionIndex() map[position]string {
	out := make(map[position]string, len(m.positions))
	for p, pos := range m.positions {
		if q, ok := out[pos]; !ok || len(p) < len(q) || (len(p) == len(q) && p < q) {
			out[pos] = p
		}
	}
	return out
}
