package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/specs"
)

// maxChecks bounds the loads of the overlay that checking and correcting
// it takes: each correction round and each entity left out is one.
const maxChecks = 8

// check loads the overlay as it will be written at opts.OverlayPath and,
// for each error about the vendor's document that a correction in the
// overlay fixes safely, adds that correction with a todo note naming it;
// an entity that an error touches and no correction fixes is left out with
// a note. It repeats until no error about the vendor's document is left,
// at most maxChecks times.
func (g *generator) check(out *overlay, cols []*collection) error {
	vendorPath := filepath.Join(filepath.Dir(g.opts.OverlayPath), out.Extends)
	raw, err := readTree(vendorPath)
	if err != nil {
		return err
	}
	c := &corrector{g: g, out: out, raw: raw, cols: cols}
	for range maxChecks {
		faults, err := c.vendorErrors(vendorPath)
		if err != nil || len(faults) == 0 {
			return err
		}
		if c.correctAll(faults) == 0 && !c.leaveOut(faults) {
			return nil // nothing more to do: validate reports what is left
		}
	}
	return nil
}

// corrector adds corrections of the vendor's document to an overlay.
type corrector struct {
	g    *generator
	out  *overlay
	raw  any // the vendor's document as published
	cols []*collection
}

// vendorErrors loads the overlay and returns its openapi-invalid errors
// located in the vendor's file.
func (c *corrector) vendorErrors(vendorPath string) ([]specs.Finding, error) {
	data, err := encode(c.out)
	if err != nil {
		return nil, err
	}
	opts := c.g.opts.Load
	if strings.HasPrefix(filepath.ToSlash(c.out.Extends), "../") {
		opts.AllowExternalFiles = true // init read the document already; the command says that the overlay needs the flag
	}
	_, fs, err := specs.LoadBytes(c.g.opts.OverlayPath, data, opts)
	if err != nil {
		return nil, err
	}
	var out []specs.Finding
	for _, f := range fs {
		if f.Severity == specs.SeverityError && f.Code == specs.CodeOpenAPIInvalid && sameFile(f.File, vendorPath) {
			out = append(out, f)
		}
	}
	return out, nil
}

// sameFile reports whether paths a and b name the same file.
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// correctAll adds the corrections of faults it can fix and returns how
// many it added.
func (c *corrector) correctAll(faults []specs.Finding) int {
	n := 0
	for _, f := range faults {
		if c.correct(f) {
			n++
		}
	}
	return n
}

// conflictsWith finds the other path of a conflicting-paths fault.
var conflictsWith = regexp.MustCompile(`it matches the same requests as (\S+)$`)

// correct adds the correction of one fault, if one is safe: a default or
// example that does not match its schema is deleted, so is a pattern Go
// cannot compile; a required list with duplicates is replaced by its
// deduplicated copy; a response without a description is given one; a
// numeric exclusiveMinimum of OpenAPI 3.0 is written the 3.0 way; of two
// conflicting paths, one no entity uses is deleted.
func (c *corrector) correct(f specs.Finding) bool {
	last := lastToken(f.Pointer)
	switch {
	case (last == "default" || last == "example") && strings.Contains(f.Message, "does not match"):
		return c.patch(f.Pointer, nil, "deleted the %s at %s, which does not match its schema (%s); write the value meant there if there is one", last, f.Pointer, reason(f.Message))
	case strings.Contains(f.Message, "cannot compile pattern"):
		return c.correctPattern(f)
	case strings.Contains(f.Message, "in required") && strings.Contains(f.Message, "duplicate"):
		return c.correctRequired(f)
	case strings.Contains(f.Message, "description") && strings.Contains(f.Message, "required"):
		if _, ok := lookup(c.raw, jsonptr.Join(f.Pointer, "description")); ok {
			return false
		}
		return c.patch(jsonptr.Join(f.Pointer, "description"), "No description in the vendor's document.", "added a description to %s, which has none", f.Pointer)
	case conflictsWith.MatchString(f.Message):
		return c.correctConflict(f)
	case strings.Contains(f.Message, "numeric exclusiveMinimum"):
		return c.correctExclusive(f.Pointer, "Minimum")
	case strings.Contains(f.Message, "numeric exclusiveMaximum"):
		return c.correctExclusive(f.Pointer, "Maximum")
	}
	return false
}

// correctExclusive writes a numeric exclusiveMinimum (or Maximum), which
// is OpenAPI 3.1's, as OpenAPI 3.0 does: the bound as minimum and
// exclusiveMinimum true. A schema with a minimum of its own is left.
func (c *corrector) correctExclusive(pointer, bound string) bool {
	v, _ := lookup(c.raw, jsonptr.Join(pointer, "exclusive"+bound))
	if _, isBool := v.(bool); v == nil || isBool {
		return false
	}
	lower := strings.ToLower(bound)
	if _, ok := lookup(c.raw, jsonptr.Join(pointer, lower)); ok {
		return false
	}
	if !c.out.set(jsonptr.Join(pointer, lower), v, c.raw) {
		return false
	}
	return c.patch(jsonptr.Join(pointer, "exclusive"+bound), true, "wrote the exclusive%s %v at %s as OpenAPI 3.0 does: %s %v with exclusive%s true", bound, v, pointer, lower, v, bound)
}

// correctPattern deletes a pattern Go cannot compile, found at the
// fault's pointer, in its schema or (Swagger 2.0) in the parameter.
func (c *corrector) correctPattern(f specs.Finding) bool {
	for _, p := range []string{f.Pointer, jsonptr.Join(f.Pointer, "pattern"), jsonptr.Join(f.Pointer, "schema", "pattern")} {
		if v, ok := lookup(c.raw, p); ok && lastToken(p) == "pattern" {
			if _, isText := v.(string); isText {
				return c.patch(p, nil, "deleted the pattern %q at %s, which Go cannot compile (RE2 has no lookaround or backreferences): values are not checked against it; write an equivalent pattern there if they should be", v, p)
			}
		}
	}
	return false
}

// correctRequired replaces a required list with duplicates by its
// deduplicated copy.
func (c *corrector) correctRequired(f specs.Finding) bool {
	p := f.Pointer
	if lastToken(p) != "required" {
		p = jsonptr.Join(p, "required")
	}
	v, ok := lookup(c.raw, p)
	list, isList := v.([]any)
	if !ok || !isList {
		return false
	}
	var unique []any
	for _, item := range list {
		if !slices.Contains(unique, item) {
			unique = append(unique, item)
		}
	}
	if len(unique) == len(list) {
		return false
	}
	return c.patch(p, unique, "replaced the required list at %s by its copy without duplicates", p)
}

// correctConflict deletes, of two paths that match the same requests, one
// that no entity uses.
func (c *corrector) correctConflict(f specs.Finding) bool {
	tokens := jsonptr.Split(f.Pointer)
	if len(tokens) != 2 || tokens[0] != "paths" {
		return false
	}
	other := conflictsWith.FindStringSubmatch(f.Message)[1]
	for _, path := range []string{other, tokens[1]} {
		if !c.usesPath(path) {
			return c.patch(jsonptr.Join("/paths", path), nil, "deleted the path %s, which matches the same requests as %s and which no entity uses", path, otherOf(path, tokens[1], other))
		}
	}
	return false
}

// otherOf returns whichever of a and b is not path.
func otherOf(path, a, b string) string {
	if path == a {
		return b
	}
	return a
}

// usesPath reports whether an entity of the overlay has an operation on
// path.
func (c *corrector) usesPath(path string) bool {
	for _, col := range c.cols {
		if c.out.Sync.Entities[col.name] == nil {
			continue
		}
		if slices.ContainsFunc(col.ops(), func(o *op) bool { return o.path == path }) {
			return true
		}
	}
	return false
}

// patch sets the value at pointer (nil deletes it) in the overlay, unless
// it is set already, and adds a todo note saying what the correction did.
func (c *corrector) patch(pointer string, value any, format string, args ...any) bool {
	if !c.out.set(pointer, value, c.raw) {
		return false
	}
	c.g.todo(&c.out.Sync.Todo, "", "vendor document: "+format, args...)
	return true
}

// leaveOut leaves out the entities that the faults reach (through the
// $refs of their operations), and reports whether it left one out. At
// least one entity stays: when every entity is reached, none is left out
// and validate reports the faults.
func (c *corrector) leaveOut(faults []specs.Finding) bool {
	drop := map[string]string{}
	for _, col := range c.cols {
		if c.out.Sync.Entities[col.name] == nil {
			continue
		}
		reached := c.reach(col)
		for _, f := range faults {
			if slices.ContainsFunc(reached, func(p string) bool { return f.Pointer == p || strings.HasPrefix(f.Pointer, p+"/") }) {
				drop[col.name] = f.Message + " (" + f.Pointer + ")"
			}
		}
	}
	if len(drop) == 0 || len(drop) >= len(c.out.Sync.Entities) {
		return false
	}
	for _, name := range slices.Sorted(maps.Keys(drop)) {
		c.drop(name, drop[name])
	}
	return true
}

// reach returns the pointers of the vendor's document that the
// collection's operations reach: each operation, its path item's
// parameters, and every node a local $ref under them leads to.
func (c *corrector) reach(col *collection) []string {
	seen := map[string]bool{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok && strings.HasPrefix(ref, "#/") && !seen[ref[1:]] {
				seen[ref[1:]] = true
				if target, ok := lookup(c.raw, ref[1:]); ok {
					walk(ref[1:], target)
				}
			}
			for k, child := range v {
				walk(jsonptr.Join(p, k), child)
			}
		case []any:
			for i, child := range v {
				walk(jsonptr.Join(p, strconv.Itoa(i)), child)
			}
		}
	}
	for _, o := range col.ops() {
		for _, p := range []string{jsonptr.Join("/paths", o.path, strings.ToLower(o.method)), jsonptr.Join("/paths", o.path, "parameters")} {
			if v, ok := lookup(c.raw, p); ok {
				seen[p] = true
				walk(p, v)
			}
		}
	}
	return slices.Collect(maps.Keys(seen))
}

// drop leaves out an entity, with a note saying why.
func (c *corrector) drop(name, why string) {
	delete(c.out.Sync.Entities, name)
	c.g.notes = slices.DeleteFunc(c.g.notes, func(n Note) bool { return n.Entity == name && n.Kind == NoteTodo })
	c.g.notes = append(c.g.notes, Note{Entity: name, Kind: NoteFound, Text: "left out: the vendor's document has a fault its operations reach that init cannot correct safely: " + why + "; correct it in the overlay and add the entity by hand"})
}

// ops lists the collection's operations with where they sit.
func (col *collection) ops() []*op {
	var out []*op
	for _, o := range []*op{col.list, col.get, col.create, col.update, col.delete} {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

// readTree reads a JSON or YAML document as plain values: JSON by
// encoding/json (every escape of JSON included), else YAML.
func readTree(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var tree any
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&tree) == nil {
			return tree, nil
		}
	}
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return stringKeys(tree), nil
}

// stringKeys turns the maps of a YAML tree with keys other than strings
// (200: as a response code) into maps with string keys, as JSON has.
func stringKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			v[k] = stringKeys(c)
		}
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			out[fmt.Sprint(k)] = stringKeys(c)
		}
		return out
	case []any:
		for i, c := range v {
			v[i] = stringKeys(c)
		}
	}
	return v
}

// lookup returns the value at pointer in tree.
func lookup(tree any, pointer string) (any, bool) {
	v := tree
	for _, tok := range jsonptr.Split(pointer) {
		next, ok := child(v, tok)
		if !ok {
			return nil, false
		}
		v = next
	}
	return v, true
}

// child returns the member or item tok of v.
func child(v any, tok string) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		c, ok := v[tok]
		return c, ok
	case []any:
		var i int
		if _, err := fmt.Sscan(tok, &i); err != nil || i < 0 || i >= len(v) || fmt.Sprint(i) != tok {
			return nil, false
		}
		return v[i], true
	}
	return nil, false
}

// reason returns the end of a message, after its last colon: "value
// must be a boolean".
func reason(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// lastToken returns the last token of pointer.
func lastToken(pointer string) string {
	t := jsonptr.Split(pointer)
	if len(t) == 0 {
		return ""
	}
	return t[len(t)-1]
}
