package specs

import "os"

// IsModelFile reports whether the file at path is a model document (it has a
// root `x-model` key) rather than a connector spec. Unreadable files are
// reported as specs, so that loading them reports the real problem.
func IsModelFile(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	doc, err := parseTree(path, data)
	if err != nil {
		return false
	}
	root, err := rootObject(path, doc)
	return err == nil && memberNode(root, "x-model") != nil
}
