package samples

import (
	"strings"

	"github.com/specsync/specsync/internal/names"
)

// irregular are the plurals the suffix rules of singular get wrong.
var irregular = map[string]string{
	"people": "person", "children": "child", "men": "man", "women": "woman",
	"data": "data", "media": "media", "criteria": "criterion", "indices": "index",
}

// singular returns the singular of an English plural noun, by the common
// suffix rules; a word that is no plural is returned unchanged.
func singular(w string) string {
	if s, ok := irregular[w]; ok {
		return s
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"),
		strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "zzes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"), len(w) < 3:
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// singularWords returns the words of a collection's segment with the last
// one made singular: "lease-contracts" gives [lease contract].
func singularWords(segment string) []string {
	ws := names.Words(segment)
	if len(ws) > 0 {
		ws[len(ws)-1] = singular(ws[len(ws)-1])
	}
	return ws
}

// pascal joins words as PascalCase: [lease contract] gives LeaseContract.
func pascal(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[:1])) + string(r[1:]))
	}
	return b.String()
}

// camel joins words as camelCase: [lease contract id] gives
// leaseContractId.
func camel(ws []string) string {
	p := pascal(ws)
	if p == "" {
		return ""
	}
	r := []rune(p)
	return strings.ToLower(string(r[:1])) + string(r[1:])
}
