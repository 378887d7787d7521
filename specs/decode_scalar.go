package specs

import (
	"iter"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// member is one key and value of a mapping node.
type member struct {
	key   string
	value *yaml.Node
}

// members returns the members of mapping n, reporting keys that are not
// strings and keys given twice (only the first is kept).
func (d *strictDecoder) members(n *yaml.Node, p string) []member {
	out := make([]member, 0, len(n.Content)/2)
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.r.errorf(CodeInvalidType, p, "a key must be a string, found %s", describeNode(k))
		case seen[k.Value]:
			d.r.errorHint(CodeInvalidValue, jsonptr.Join(p, k.Value), "remove one of them", "key %q is given more than once", k.Value)
		default:
			seen[k.Value] = true
			out = append(out, member{k.Value, n.Content[i+1]})
		}
	}
	return out
}

// memberNode returns the value of key name in mapping n, or nil.
func memberNode(n *yaml.Node, name string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name {
			v := n.Content[i+1]
			for v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

// sortedGroups yields the choice groups ordered by name.
func sortedGroups(groups map[string][]string) iter.Seq2[string, []string] {
	return func(yield func(string, []string) bool) {
		for _, g := range slices.Sorted(maps.Keys(groups)) {
			if !yield(g, groups[g]) {
				return
			}
		}
	}
}

// isNull reports whether n is a JSON null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describeNode names the JSON type of n for messages.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "an array"
	}
	switch n.ShortTag() {
	case "!!int":
		return "a whole number"
	case "!!float":
		return "a non-integer number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	}
	return "a string"
}

// isStringNode reports whether n is a scalar that JSON reads as a string.
func isStringNode(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	switch n.ShortTag() {
	case "!!int", "!!float", "!!bool", "!!null":
		return false
	}
	return true
}

// str checks that n is a string.
func (d *strictDecoder) str(n *yaml.Node, p string) (any, bool) {
	if !isStringNode(n) {
		d.r.errorf(CodeInvalidType, p, "expected a string, found %s", describeNode(n))
		return nil, false
	}
	return n.Value, true
}

// integer checks that n is a whole number of at least minimum. As in JSON
// Schema, a number with a zero fraction ("2.0", "1e3") is a whole number.
func (d *strictDecoder) integer(n *yaml.Node, p string, minimum int64) (any, bool) {
	v, ok, inRange := wholeNumber(n)
	switch {
	case !ok:
		d.r.errorf(CodeInvalidType, p, "expected a whole number, found %s", describeNode(n))
		return nil, false
	case !inRange:
		d.r.errorf(CodeInvalidValue, p, "%s is out of range", n.Value)
		return nil, false
	case v < minimum:
		d.r.errorf(CodeInvalidValue, p, "%d is too small: the least allowed value is %d", v, minimum)
		return nil, false
	}
	return v, true
}

// wholeNumber reads a number node with no fraction; inRange is false when
// it does not fit 32 bits.
func wholeNumber(n *yaml.Node) (v int64, ok, inRange bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, false, false
	}
	switch n.ShortTag() {
	case "!!int":
		v, err := strconv.ParseInt(n.Value, 0, 32)
		return v, true, err == nil
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || f != math.Trunc(f) {
			return 0, false, false
		}
		return int64(f), true, f >= math.MinInt32 && f <= math.MaxInt32
	}
	return 0, false, false
}

// number checks that n is a finite JSON number.
func (d *strictDecoder) number(n *yaml.Node, p string) (any, bool) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		d.r.errorf(CodeInvalidType, p, "expected a number, found %s", describeNode(n))
		return nil, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		d.r.errorf(CodeInvalidValue, p, "%s is not a JSON number", n.Value)
		return nil, false
	}
	return f, true
}

// boolean checks that n is true or false.
func (d *strictDecoder) boolean(n *yaml.Node, p string) (any, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.r.errorf(CodeInvalidType, p, "expected true or false, found %s", describeNode(n))
		return nil, false
	}
	return strings.EqualFold(n.Value, "true"), true
}

// duration checks that n is a non-negative Go duration string.
func (d *strictDecoder) duration(n *yaml.Node, p string) (any, bool) {
	const hint = `write a number with a unit, such as "30s", "1m" or "1h30m"`
	if !isStringNode(n) {
		d.r.errorHint(CodeInvalidType, p, hint, "expected a duration string, found %s", describeNode(n))
		return nil, false
	}
	v, err := time.ParseDuration(n.Value)
	switch {
	case err != nil:
		d.r.errorHint(CodeInvalidValue, p, hint, "%q is not a duration", n.Value)
		return nil, false
	case v < 0:
		d.r.errorHint(CodeInvalidValue, p, hint, "duration %q is negative", n.Value)
		return nil, false
	}
	return n.Value, true
}

// timeFormat checks that n is rfc3339, unix or a Go time layout that
// writes a date.
func (d *strictDecoder) timeFormat(n *yaml.Node, p string) (any, bool) {
	v, ok := d.str(n, p)
	if !ok {
		return nil, false
	}
	if err := TimeFormat(n.Value).Check(); err != nil {
		hint := withSuggestion(n.Value, []string{string(TimeRFC3339), string(TimeUnix)}, `write rfc3339, unix or a layout of Go's reference time, such as "2006-01-02 15:04:05"`)
		d.r.errorHint(CodeInvalidValue, p, hint, "%v", err)
		return nil, false
	}
	return v, true
}

// credential checks a secret reference. A scalar is a literal secret; its
// value is never repeated in the finding.
func (d *strictDecoder) credential(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if n.Kind == yaml.ScalarNode {
		d.r.errorHint(CodeLiteralSecret, p, `reference the secret instead: {"env": "VARIABLE"} or {"file": "path"} (in a spec also {"credential": "name"})`,
			"a secret is written into the file as %s", describeNode(n))
		return nil, false
	}
	return d.object(n, t, p)
}

// mapping checks that n is an object and keeps it as free JSON.
func (d *strictDecoder) mapping(n *yaml.Node, p string) (any, bool) {
	if !d.expectKind(n, yaml.MappingNode, p, "an object") {
		return nil, false
	}
	return d.free(n, p)
}

// free converts any node to its JSON value.
func (d *strictDecoder) free(n *yaml.Node, p string) (any, bool) {
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		for _, kv := range d.members(n, p) {
			if v, ok := d.freeChild(kv.value, jsonptr.Join(p, kv.key)); ok {
				out[kv.key] = v
			}
		}
		return out, true
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			if v, ok := d.freeChild(item, jsonptr.Join(p, strconv.Itoa(i))); ok {
				out = append(out, v)
			}
		}
		return out, true
	}
	return d.freeScalar(n, p)
}

// freeChild visits and converts a child node.
func (d *strictDecoder) freeChild(n *yaml.Node, p string) (any, bool) {
	n, ok := d.visit(n, p)
	if !ok {
		return nil, false
	}
	return d.free(n, p)
}

// freeScalar converts a scalar to its JSON value.
func (d *strictDecoder) freeScalar(n *yaml.Node, p string) (any, bool) {
	switch n.ShortTag() {
	case "!!null":
		return nil, true
	case "!!bool":
		return d.boolean(n, p)
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if i, ierr := strconv.ParseInt(n.Value, 0, 64); ierr == nil {
			return i, true
		}
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			d.r.errorf(CodeInvalidValue, p, "%s is not a JSON number", n.Value)
			return nil, false
		}
		return f, true
	}
	return n.Value, true
}
