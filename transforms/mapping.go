package transforms

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/flosch/pongo2/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// IdentityVar is the variable an identity mapping copies: the single input
// record.
const IdentityVar = "record"

// Mapping is a compiled field mapping: an object whose leaves are
// templates or constants, producing one JSON object per record. A Mapping
// is immutable and safe for concurrent use.
type Mapping struct {
	// root is nil for the identity mapping.
	root *node
	// target is the part of the target schema one record must satisfy;
	// branch says which part it is.
	target *openapi3.Schema
	branch Branch
	// alternates are the mapping compiled against the target's other
	// object branches, tried in order when branch refuses a record.
	alternates []*Mapping
	// check proves most results valid without kin-openapi; nil when the
	// target is not simple enough.
	check  *precheck
	leaves []leaf
	// batch evaluates every expression template that is not a plain
	// lookup in one pongo2 run; batched lists their leaf indexes in order.
	batch   *pongo2.Template
	batched []int
	// inBatch tells by leaf index whether the batch evaluates it.
	inBatch []bool
	// limits bound the render of one record, all templates together.
	limits Limits
}

// leaf is one template of the mapping.
type leaf struct {
	ptr   string
	tpl   *Template
	field field
}

// node is one value of the mapping tree.
type node struct {
	key      string
	ptr      string
	children []*node // object members sorted by key, or array elements
	isArray  bool
	leaf     int // index into leaves, or -1
	constant any
	isConst  bool
	required bool
}

// CompileMapping compiles tree, whose values are templates (strings),
// constants (numbers, booleans, null), nested objects and arrays of these.
// target is the JSON schema the result must satisfy; rendered values are
// converted to the types it gives, and it may be nil (values keep their
// own type; rendered text stays text). A target composed with oneOf or
// anyOf is narrowed to the branch that describes one record (see
// RecordSchema); a record that branch refuses is tried against the other
// object branches, and the first that accepts it is written. Its error is
// a *CompileError listing every template that does not compile.
//
// A nil tree is the identity mapping: Apply returns a copy of the variable
// named by IdentityVar ("record").
func (e *Env) CompileMapping(tree map[string]any, target *openapi3.Schema) (*Mapping, error) {
	branch := RecordSchema(target, tree)
	m, err := e.compileBranch(tree, branch)
	if err != nil || tree == nil {
		return m, err
	}
	for _, other := range otherBranches(target, branch) {
		alt, err := e.compileBranch(tree, other)
		if err != nil {
			return nil, err
		}
		m.alternates = append(m.alternates, alt)
	}
	return m, nil
}

// compileBranch compiles tree against one branch of its target.
func (e *Env) compileBranch(tree map[string]any, branch Branch) (*Mapping, error) {
	m := &Mapping{target: branch.Schema, branch: branch, check: newPrecheck(branch.Schema), limits: e.limits}
	if tree == nil {
		return m, nil
	}
	c := &mappingCompiler{env: e, m: m}
	m.root = c.object("", tree, branch.Schema)
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Field < c.problems[j].Field })
		return nil, &CompileError{Problems: c.problems}
	}
	m.prepareBatch(e)
	return m, nil
}

// mappingCompiler walks a mapping tree alongside its target schema.
type mappingCompiler struct {
	env      *Env
	m        *Mapping
	problems []Problem
}

func (c *mappingCompiler) object(ptr string, tree map[string]any, s *openapi3.Schema) *node {
	n := &node{ptr: ptr, leaf: -1}
	for _, k := range slices.Sorted(maps.Keys(tree)) {
		child := c.value(ptr+"/"+jsonptr.Escape(k), tree[k], propertyOf(s, k))
		child.key, child.required = k, requires(s, k)
		n.children = append(n.children, child)
	}
	return n
}

func (c *mappingCompiler) value(ptr string, v any, s *openapi3.Schema) *node {
	switch v := v.(type) {
	case string:
		return c.template(ptr, v, s)
	case map[string]any:
		return c.object(ptr, v, s)
	case []any:
		return c.array(ptr, v, s)
	case nil, bool, json.Number, float64, float32, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64:
		return &node{ptr: ptr, leaf: -1, isConst: true, constant: normalize(v)}
	}
	c.problems = append(c.problems, Problem{Field: ptr, Err: fmt.Errorf("a %T is neither a template, a constant, an object nor an array", v)})
	return &node{ptr: ptr, leaf: -1}
}

func (c *mappingCompiler) array(ptr string, list []any, s *openapi3.Schema) *node {
	n := &node{ptr: ptr, leaf: -1, isArray: true}
	var items *openapi3.Schema
	if s != nil {
		items = itemsOf(s)
	}
	for i, e := range list {
		n.children = append(n.children, c.value(fmt.Sprintf("%s/%d", ptr, i), e, items))
	}
	return n
}

func (c *mappingCompiler) template(ptr, src string, s *openapi3.Schema) *node {
	tpl, err := c.env.Compile(src)
	if err != nil {
		c.problems = append(c.problems, Problem{Field: ptr, Err: err})
		return &node{ptr: ptr, leaf: -1}
	}
	c.m.leaves = append(c.m.leaves, leaf{ptr: ptr, tpl: tpl, field: fieldOf(s)})
	return &node{ptr: ptr, leaf: len(c.m.leaves) - 1}
}

// prepareBatch joins the expression templates that are not plain lookups
// into one pongo2 template, so that a record costs one pongo2 run instead
// of one per field. If the joined form does not compile, fields run one by
// one.
func (m *Mapping) prepareBatch(e *Env) {
	var b strings.Builder
	for i, l := range m.leaves {
		if l.tpl.exec == nil || l.tpl.chain != nil {
			continue
		}
		expr, _ := singleExpression(l.tpl.src)
		b.WriteString(captureOpen + expr + captureClose)
		m.batched = append(m.batched, i)
	}
	if len(m.batched) < 2 {
		m.batched = nil
		return
	}
	batch, err := e.fromString(b.String())
	if err != nil {
		m.batched = nil
		return
	}
	m.batch = batch
	m.inBatch = make([]bool, len(m.leaves))
	for _, i := range m.batched {
		m.inBatch[i] = true
	}
}

// Branch returns the part of the target schema a record is converted to
// and checked against.
func (m *Mapping) Branch() Branch { return m.branch }

// Fields returns the JSON pointers of the target fields the mapping
// writes (templates and constants), sorted. The identity mapping writes
// no fixed fields and returns nil.
func (m *Mapping) Fields() []string {
	var out []string
	var walk func(n *node)
	walk = func(n *node) {
		if n.leaf >= 0 || n.isConst {
			out = append(out, n.ptr)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	if m.root != nil {
		walk(m.root)
	}
	slices.Sort(out)
	return out
}

// Templates returns the source of every template by the JSON pointer of
// its field.
func (m *Mapping) Templates() map[string]string {
	out := make(map[string]string, len(m.leaves))
	for _, l := range m.leaves {
		out[l.ptr] = l.tpl.src
	}
	return out
}

// errNoRecord is the error of an identity mapping without its variable.
var errNoRecord = errors.New(`the identity mapping needs the record as an object in variable "` + IdentityVar + `"`)
