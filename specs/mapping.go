package specs

// Mapping is a field mapping as written in the spec: an object whose values
// are pongo2 templates (strings), constants (numbers, booleans, null),
// nested objects, or arrays of these. The transforms package compiles it
// once into a transforms.Mapping; nothing else interprets it.
type Mapping map[string]any
