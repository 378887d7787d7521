package scaffold

import (
	"slices"
	"strings"

	"github.com/specsync/specsync/internal/names"
)

// nameCollections names each collection by the singular of its path's last
// segment, in camel case; collections that would share a name take their
// parent segment in front ("storeOrder").
func nameCollections(cs []*collection) {
	count := map[string]int{}
	for _, c := range cs {
		c.name = singular(camel(lastSegment(c.path)))
		count[c.name]++
	}
	for _, c := range cs {
		if count[c.name] > 1 {
			c.name = lowerFirst(camel(parentSegment(c.path))) + upperFirst(c.name)
		}
		if slices.Contains(reserved, c.name) {
			c.name += "Item"
		}
	}
}

// reserved are template variables that an entity's name would hide in its
// mappings and parameters.
var reserved = []string{"record", "instance", "ids", "id", "key", "event"}

// parentSegment returns the segment before the last one ("store" of
// "/store/orders"), or "root".
func parentSegment(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 2 {
		return "root"
	}
	return segs[len(segs)-2]
}

// camel joins the words of s in lower camel case.
func camel(s string) string {
	ws := names.Words(s)
	for i := 1; i < len(ws); i++ {
		ws[i] = upperFirst(ws[i])
	}
	return strings.Join(ws, "")
}

// flat is the words of s joined without separators: the form names are
// compared in.
func flat(s string) string { return strings.Join(names.Words(s), "") }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// invariant are words whose plural is the word itself.
var invariant = []string{"news", "series", "species", "data", "media", "info", "analytics", "settings", "status"}

// singular returns the English singular of a plural word (the last word
// of a camel-case name); other words are returned as they are.
func singular(s string) string {
	lower := strings.ToLower(s)
	switch {
	case slices.ContainsFunc(invariant, func(w string) bool { return strings.HasSuffix(lower, w) }):
		return s
	case strings.HasSuffix(lower, "ies") && len(s) > 4:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(lower, "sses"), strings.HasSuffix(lower, "xes"), strings.HasSuffix(lower, "ches"), strings.HasSuffix(lower, "shes"), strings.HasSuffix(lower, "zes"):
		return s[:len(s)-2]
	case strings.HasSuffix(lower, "s") && !strings.HasSuffix(lower, "ss") && !strings.HasSuffix(lower, "us") && !strings.HasSuffix(lower, "is") && len(s) > 3:
		return s[:len(s)-1]
	}
	return s
}

// distance is the Levenshtein edit distance of a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
