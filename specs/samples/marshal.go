package samples

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// rootOrder is the order of the root members of a written document; the
// members below the root are sorted by name.
var rootOrder = []string{"openapi", "info", "servers", "security", "tags", "paths", "components"}

// Marshal writes a document as indented JSON, the same bytes for the same
// document: the root members in the usual order (openapi, info, servers,
// security, paths, components), every other object's members sorted.
func Marshal(doc *openapi3.T) ([]byte, error) {
	flat, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("writing the inferred document: %w", err)
	}
	var root map[string]json.RawMessage
	if err := json.Unmarshal(flat, &root); err != nil {
		return nil, fmt.Errorf("writing the inferred document: %w", err)
	}
	keys := slices.SortedFunc(maps.Keys(root), func(a, b string) int {
		return cmp.Or(rootRank(a)-rootRank(b), strings.Compare(a, b))
	})
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		buf.Write(name)
		buf.WriteByte(':')
		buf.Write(root[k])
	}
	buf.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("writing the inferred document: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// rootRank orders root members: the known ones first, in rootOrder,
// others after them by name.
func rootRank(k string) int {
	if i := slices.Index(rootOrder, k); i >= 0 {
		return i
	}
	return len(rootOrder)
}
