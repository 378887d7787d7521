package engine

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/specs"
)

var (
	instanceType   = reflect.TypeFor[Instance]()
	credentialType = reflect.TypeFor[specs.Credential]()
	durationType   = reflect.TypeFor[specs.Duration]()
)

// DecodeInstance strictly decodes the instance document data (JSON or
// YAML), read from the file name, and validates it (ValidateInstance).
// Unknown keys (with a "did you mean" hint), values of the wrong type,
// literal secrets and every validation problem are findings located at
// file:line:col; the parts that are right are decoded, so the Instance is
// never nil when the error is nil. Paths stay as written (see
// ReadInstance).
//
// The error is a *specs.ReadError, matching specs.ErrUnreadable, when data
// is not JSON or YAML holding an object.
func DecodeInstance(name string, data []byte) (*Instance, specs.Findings, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, &specs.ReadError{File: name, Err: fmt.Errorf("invalid JSON or YAML: %w", err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, &specs.ReadError{File: name, Line: 1, Column: 1, Err: errors.New("the file holds no JSON or YAML object")}
	}
	d := &decoder{}
	inst := &Instance{}
	if clean, ok := d.value(doc.Content[0], instanceType, ""); ok {
		d.unmarshal(clean, inst)
	}
	found := append(d.found, d.unreported(ValidateInstance(inst))...)
	return inst, locate(found, name, data), nil
}

// ReadInstance reads and decodes the instance file at path and makes the
// paths in it (specs, model, credential files) absolute, relative to the
// file's folder.
func ReadInstance(path string) (*Instance, specs.Findings, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &specs.ReadError{File: path, Err: err}
	}
	inst, found, err := DecodeInstance(path, data)
	if err != nil {
		return nil, nil, err
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, nil, &specs.ReadError{File: path, Err: fmt.Errorf("resolving the instance's folder: %w", err)}
	}
	inst.ResolvePaths(dir)
	return inst, found, nil
}

// ResolvePaths makes the relative paths of inst (specs, model, credential
// files) relative to dir instead of the working directory.
func (inst *Instance) ResolvePaths(dir string) {
	resolve := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	resolve(&inst.Model)
	for _, s := range []*System{&inst.Home, &inst.Partner} {
		resolve(&s.Spec)
		for name, c := range s.Credentials {
			resolve(&c.File)
			s.Credentials[name] = c
		}
	}
}

// decoder walks a parsed document against a Go type, reports unknown
// keys, wrong types and literal secrets, and keeps the parts that are
// right as plain JSON values.
type decoder struct {
	found specs.Findings
	// suggested holds the pointers of keys an unknown key was probably
	// meant to be; their missing-key findings would repeat the mistake.
	suggested []string
}

// errorf records an error finding at pointer p.
func (d *decoder) errorf(code, p, hint, format string, args ...any) {
	d.found = append(d.found, specs.Finding{
		Code: code, Severity: specs.SeverityError, Pointer: p, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

// unmarshal decodes the cleaned value into out.
func (d *decoder) unmarshal(clean any, out any) {
	data, err := json.Marshal(clean)
	if err == nil {
		err = json.Unmarshal(data, out)
	}
	if err != nil {
		d.errorf(specs.CodeInvalidValue, "", "", "cannot decode the instance: %v", err)
	}
}

// value checks n against t and returns its cleaned JSON value; ok is
// false when nothing of n can be kept.
func (d *decoder) value(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		d.errorf(specs.CodeInvalidType, p, "remove the key to leave it unset", "expected %s, found null", describe(t))
		return nil, false
	}
	switch t {
	case credentialType:
		return d.credential(n, t, p)
	case durationType:
		return d.duration(n, p)
	}
	return d.byKind(n, t, p)
}

// byKind dispatches on the kind of t.
func (d *decoder) byKind(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	switch t.Kind() {
	case reflect.Pointer:
		return d.value(n, t.Elem(), p)
	case reflect.Struct:
		return d.object(n, t, p)
	case reflect.Map:
		return d.dict(n, t, p)
	case reflect.Slice:
		return d.array(n, t, p)
	case reflect.String:
		return d.scalar(n, p, t, "!!str")
	case reflect.Int, reflect.Int64:
		return d.scalar(n, p, t, "!!int")
	case reflect.Float64:
		return d.scalar(n, p, t, "!!int", "!!float")
	case reflect.Bool:
		return d.scalar(n, p, t, "!!bool")
	}
	d.errorf(specs.CodeInvalidType, p, "", "values of Go type %s are not supported", t)
	return nil, false
}

// object checks a mapping against struct type t.
func (d *decoder) object(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if !d.expect(n, yaml.MappingNode, t, p) {
		return nil, false
	}
	fields := jsonFields(t)
	out := map[string]any{}
	for key, val := range d.members(n, p) {
		f, ok := fields[key]
		if !ok {
			d.unknownKey(key, slices.Sorted(maps.Keys(fields)), p)
			continue
		}
		if v, ok := d.value(val, f, pointerJoin(p, key)); ok {
			out[key] = v
		}
	}
	return out, true
}

// unknownKey reports key, unknown in the object at p, with a hint.
func (d *decoder) unknownKey(key string, allowed []string, p string) {
	if close := closest(key, allowed); close != "" {
		d.suggested = append(d.suggested, pointerJoin(p, close))
	}
	d.errorf(specs.CodeUnknownKey, pointerJoin(p, key), didYouMean(key, allowed), "unknown key %q", key)
}

// dict checks a mapping whose values all have the map's element type.
func (d *decoder) dict(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if !d.expect(n, yaml.MappingNode, t, p) {
		return nil, false
	}
	out := map[string]any{}
	for key, val := range d.members(n, p) {
		if v, ok := d.value(val, t.Elem(), pointerJoin(p, key)); ok {
			out[key] = v
		}
	}
	return out, true
}

// array checks a sequence whose items all have the slice's element type.
func (d *decoder) array(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if !d.expect(n, yaml.SequenceNode, t, p) {
		return nil, false
	}
	out := make([]any, 0, len(n.Content))
	for i, item := range n.Content {
		if v, ok := d.value(item, t.Elem(), pointerJoin(p, strconv.Itoa(i))); ok {
			out = append(out, v)
		}
	}
	return out, true
}

// members returns the members of mapping n in document order, reporting
// duplicate keys (the first one wins).
func (d *decoder) members(n *yaml.Node, p string) func(yield func(string, *yaml.Node) bool) {
	return func(yield func(string, *yaml.Node) bool) {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if seen[key] {
				d.errorf(specs.CodeInvalidValue, pointerJoin(p, key), "remove one of them", "key %q appears twice", key)
				continue
			}
			seen[key] = true
			if !yield(key, n.Content[i+1]) {
				return
			}
		}
	}
}

// scalar checks that n is a scalar with one of the YAML tags and returns
// its value.
func (d *decoder) scalar(n *yaml.Node, p string, t reflect.Type, tags ...string) (any, bool) {
	if n.Kind != yaml.ScalarNode || !slices.Contains(tags, n.Tag) {
		d.errorf(specs.CodeInvalidType, p, "", "expected %s, found %s", describe(t), describeNode(n))
		return nil, false
	}
	var v any
	if err := n.Decode(&v); err != nil {
		d.errorf(specs.CodeInvalidValue, p, "", "cannot read the value: %v", err)
		return nil, false
	}
	return v, true
}

// credential checks a secret reference; a scalar is a literal secret,
// whose value is never repeated.
func (d *decoder) credential(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if n.Kind == yaml.ScalarNode {
		d.errorf(specs.CodeLiteralSecret, p, `reference the secret instead: {"env": "VARIABLE"} or {"file": "path"}`,
			"a secret is written into the instance as %s", describeNode(n))
		return nil, false
	}
	return d.object(n, t, p)
}

// duration checks a duration string.
func (d *decoder) duration(n *yaml.Node, p string) (any, bool) {
	v, ok := d.scalar(n, p, durationType, "!!str")
	if !ok {
		return nil, false
	}
	var dur specs.Duration
	if err := dur.UnmarshalJSON([]byte(strconv.Quote(v.(string)))); err != nil {
		d.errorf(specs.CodeInvalidValue, p, `write a duration with a unit, such as "24h" or "2160h" (90 days)`, "%v", err)
		return nil, false
	}
	return v, true
}

// expect reports an invalid-type finding unless n has kind k.
func (d *decoder) expect(n *yaml.Node, k yaml.Kind, t reflect.Type, p string) bool {
	if n.Kind == k {
		return true
	}
	d.errorf(specs.CodeInvalidType, p, "", "expected %s, found %s", describe(t), describeNode(n))
	return false
}

// jsonFields maps the JSON keys of struct type t to their Go types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

// describe names the JSON type Go type t decodes from.
func describe(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration string"
	case t.Kind() == reflect.Pointer:
		return describe(t.Elem())
	case t.Kind() == reflect.Struct || t.Kind() == reflect.Map:
		return "an object"
	case t.Kind() == reflect.Slice:
		return "an array"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Float64:
		return "a number"
	}
	return "a whole number"
}

// describeNode names what n holds, without its value.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "an array"
	}
	switch n.Tag {
	case "!!str":
		return "a string"
	case "!!int":
		return "a whole number"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	}
	return "a value"
}

// unreported drops the validation findings at or under a pointer the
// decoder already reported, and the missing keys an unknown key was meant
// to be, so that one mistake gives one finding.
func (d *decoder) unreported(found specs.Findings) specs.Findings {
	var out specs.Findings
	for _, f := range found {
		reported := slices.ContainsFunc(d.found, func(r specs.Finding) bool { return within(f.Pointer, r.Pointer) })
		misspelt := f.Code == specs.CodeMissingKey && slices.Contains(d.suggested, f.Pointer)
		if !reported && !misspelt {
			out = append(out, f)
		}
	}
	return out
}

// within reports whether pointer p is at or under pointer parent.
func within(p, parent string) bool {
	return p == parent || (parent != "" && strings.HasPrefix(p, parent+"/"))
}

// locate fills File, Line and Column of the findings from the document
// data and orders them by position.
func locate(found specs.Findings, file string, data []byte) specs.Findings {
	src, _ := specs.NewSourceMap(data) // nil on error: positions stay 0
	for i := range found {
		found[i].File = file
		found[i].Line, found[i].Column = src.Locate(found[i].Pointer)
	}
	slices.SortStableFunc(found, func(a, b specs.Finding) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return found
}

// pointerJoin appends tokens to JSON pointer p, escaping "~" and "/"
// (RFC 6901).
func pointerJoin(p string, tokens ...string) string {
	for _, t := range tokens {
		p += "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
	}
	return p
}

// sortedKeys returns the keys of m in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}

// didYouMean names the candidate closest to word, or lists the candidates.
func didYouMean(word string, candidates []string) string {
	if close := closest(word, candidates); close != "" {
		return fmt.Sprintf("did you mean %q?", close)
	}
	return "keys allowed here: " + strings.Join(candidates, ", ")
}

// closest returns the candidate within two edits of word (case ignored),
// or sharing a prefix of three letters or more with it; "" when none is.
func closest(word string, candidates []string) string {
	best, bestDist := "", 3
	lw := strings.ToLower(word)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		dist := editDistance(lw, lc)
		if dist > 2 && len(lw) >= 3 && (strings.HasPrefix(lc, lw) || strings.HasPrefix(lw, lc)) {
			dist = 2
		}
		if dist < bestDist && dist < max(len(lw), 1) {
			best, bestDist = c, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
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
