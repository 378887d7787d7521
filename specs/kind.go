package specs

import (
	"os"

	"gopkg.in/yaml.v3"
)

// IsModelFile reports whether the file at path is a model document (it has a
// root `x-model` key) rather than a connector spec. Unreadable files are
// reported as specs, so that loading them reports the real problem.
func IsModelFile(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var root map[string]yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return false
	}
	_, ok := root["x-model"]
	return ok
}
