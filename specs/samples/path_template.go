package samples

import (
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// route is one path template with the samples that fell into it.
type route struct {
	// path is the OpenAPI path template: "/properties/{propertyId}/units".
	path string
	// segments are its parts; a parameter's literal is empty.
	segments []routeSegment
	samples  []*Sample
}

// routeSegment is one segment of a template: a literal, or a parameter
// with its name and the values seen in its place.
type routeSegment struct {
	literal string
	param   string
	values  []string
}

var (
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	hexPattern  = regexp.MustCompile(`^[0-9a-fA-F]{16,}$`)
	// opaquePattern is a token of an id alphabet; isID asks for digits in it
	// too.
	opaquePattern = regexp.MustCompile(`^[A-Za-z0-9_.~-]{10,}$`)
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// isID reports whether a path segment is a value rather than a name: a
// number, a UUID, a long hex string, a date, an e-mail address or an
// opaque token of ten or more letters and digits with at least three
// digits (`cus_9s6XKzkNRiz8i3`).
func isID(seg string) bool {
	switch {
	case isDigits(seg), uuidPattern.MatchString(seg), hexPattern.MatchString(seg),
		datePattern.MatchString(seg), strings.Contains(seg, "@"):
		return true
	case opaquePattern.MatchString(seg):
		return countDigits(seg) >= 3 && strings.IndexFunc(seg, isLetter) >= 0
	}
	return false
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// explicitParam returns the name of a segment written as a template,
// "{id}", as the JSON-files form allows for folder names.
func explicitParam(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// groupRoutes puts the samples into path templates, in order of their
// paths.
func groupRoutes(samples []*Sample) []*route {
	byKey := map[string]*route{}
	for _, s := range samples {
		segs := splitPath(s.Path)
		key := templateKey(segs)
		r := byKey[key]
		if r == nil {
			r = newRoute(segs)
			byKey[key] = r
		}
		r.add(s, segs)
	}
	routes := slices.Collect(maps.Values(byKey))
	for _, r := range routes {
		r.name()
	}
	slices.SortFunc(routes, func(a, b *route) int { return strings.Compare(a.path, b.path) })
	return routes
}

// splitPath returns the unescaped segments of a path.
func splitPath(p string) []string {
	var out []string
	for seg := range strings.SplitSeq(strings.Trim(p, "/"), "/") {
		if seg == "" {
			continue
		}
		if u, err := url.PathUnescape(seg); err == nil {
			seg = u
		}
		out = append(out, seg)
	}
	return out
}

// templateKey is the path with every value segment replaced by "{}".
func templateKey(segs []string) string {
	var b strings.Builder
	for _, seg := range segs {
		b.WriteByte('/')
		if _, ok := explicitParam(seg); ok || isID(seg) {
			b.WriteString("{}")
		} else {
			b.WriteString(seg)
		}
	}
	return b.String()
}

func newRoute(segs []string) *route {
	r := &route{segments: make([]routeSegment, len(segs))}
	for i, seg := range segs {
		if _, ok := explicitParam(seg); !ok && !isID(seg) {
			r.segments[i].literal = seg
		}
	}
	return r
}

// add records a sample and the values of its parameters.
func (r *route) add(s *Sample, segs []string) {
	r.samples = append(r.samples, s)
	for i, seg := range segs {
		rs := &r.segments[i]
		if rs.literal != "" {
			continue
		}
		if name, ok := explicitParam(seg); ok {
			if rs.param == "" {
				rs.param = name
			}
			continue
		}
		rs.values = append(rs.values, seg)
	}
}

// name gives every parameter a name (the one a folder gave, or the
// singular of the collection before it with "Id": /users/42 gives
// {userId}; "id" when no collection precedes it) and builds the path.
func (r *route) name() {
	used := map[string]bool{}
	var b strings.Builder
	for i := range r.segments {
		rs := &r.segments[i]
		b.WriteByte('/')
		if rs.literal != "" {
			b.WriteString(strings.ReplaceAll(url.PathEscape(rs.literal), "%40", "@"))
			continue
		}
		if rs.param == "" {
			rs.param = "id"
			if i > 0 && r.segments[i-1].literal != "" {
				rs.param = camel(append(singularWords(r.segments[i-1].literal), "id"))
			}
		}
		base := rs.param
		for n := 2; used[rs.param]; n++ {
			rs.param = base + strconv.Itoa(n)
		}
		used[rs.param] = true
		b.WriteString("{" + rs.param + "}")
	}
	r.path = b.String()
	if r.path == "" {
		r.path = "/"
	}
}

// collection returns the route's collection: the literal segment that
// names what the route lists or holds (the last literal, for /users and
// /users/{userId}), and whether the route is an item of it (ends with a
// parameter).
func (r *route) collection() (name string, item bool) {
	n := len(r.segments)
	if n == 0 {
		return "", false
	}
	if r.segments[n-1].literal != "" {
		return r.segments[n-1].literal, false
	}
	if n >= 2 && r.segments[n-2].literal != "" {
		return r.segments[n-2].literal, true
	}
	return "", true
}
