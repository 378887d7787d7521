package specs

import "gopkg.in/yaml.v3"

// SchemaKey is the root member by which a file names the JSON Schema an
// editor checks it against. Every loader ignores it.
const SchemaKey = "$schema"

// withoutSchemaKey returns the mapping n without a SchemaKey member; n
// itself is left alone.
func withoutSchemaKey(n *yaml.Node) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode || memberNode(n, SchemaKey) == nil {
		return n
	}
	out := *n
	out.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != SchemaKey {
			out.Content = append(out.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &out
}
