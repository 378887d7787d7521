package specs

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/internal/jsonvalue"
)

// writeTarget is a schema a write mapping is sent as, with the operations
// that send it.
type writeTarget struct {
	// sent is the schema the operations send: the input's or the request
	// body's.
	sent *openapi3.Schema
	// schema is the part of sent one record must satisfy (see
	// Spec.WriteBranch).
	schema *openapi3.Schema
	branch string // the branch of sent taken, when sent is composed
	// ties are the paths in sent of the branch taken and of those fitting
	// as well ("/oneOf/0"); base is the pointer of sent.
	ties  []string
	base  string
	input string // the input pointer, when the schema comes from one
	ops   []string
}

// describe names the target for messages.
func (t *writeTarget) describe() string {
	if t.branch != "" {
		return "branch " + t.branch + " of " + t.sentName()
	}
	return t.sentName()
}

// sentName names the schema the operations send.
func (t *writeTarget) sentName() string {
	if t.input != "" {
		return "the input " + t.input + " of " + strings.Join(t.ops, " and ")
	}
	return "the request body of " + strings.Join(t.ops, " and ")
}

// checkWrite compiles the write mapping and checks it against every
// schema it is sent as: no unknown fields, every required field mapped,
// the key written. An omitted mapping is identity and is not checked.
func (c *specCheck) checkWrite(name string, e *Entity) {
	p := jsonptr.Join(entityPointer(name), "write")
	targets := c.writeTargets(e)
	c.tpl.checkMapping(e.Write, firstSchema(targets), p)
	if len(e.Write) == 0 {
		return
	}
	for _, t := range targets {
		c.checkBranchTies(t, p)
		m := &mappingCheck{r: c.r, code: CodeUnknownWriteField, where: t.describe()}
		m.fields(e.Write, t.schema, p)
		m.required(e.Write, t.schema, p)
	}
	if len(targets) > 0 && e.Key != "" && !writes(e.Write, e.Key) {
		c.r.warnHint(CodeWriteWithoutKey, p, `map it, such as "`+e.Key+`": "{{ record.id }}", so that records can be found again by their home key`,
			"the write mapping does not write the key field %q", e.Key)
	}
}

// checkCompare compiles the compare projection and refuses a field the
// write mapping does not write: reconcile compares the home's payload, so
// such a field has nothing to be compared with.
func (c *specCheck) checkCompare(name string, e *Entity) {
	p := jsonptr.Join(entityPointer(name), "compare")
	c.tpl.checkMapping(e.Compare, nil, p)
	if len(e.Compare) == 0 || len(e.Write) == 0 {
		return
	}
	written := leafFields("", e.Write)
	for _, f := range leafFields("", e.Compare) {
		if !slices.Contains(written, f) {
			c.r.errorHint(CodeUnknownCompareField, jsonptr.Join(p, strings.Split(f, ".")...), "compare only fields the write mapping writes: "+strings.Join(written, ", "),
				"the write mapping does not write %q, so reconcile has no home value to compare it with", f)
		}
	}
}

// leafFields lists the dotted paths of a mapping's leaves, sorted.
func leafFields(prefix string, m map[string]any) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if inner, ok := m[k].(map[string]any); ok && len(inner) > 0 {
			out = append(out, leafFields(prefix+k+".", inner)...)
			continue
		}
		out = append(out, prefix+k)
	}
	return out
}

// writeTargets returns the distinct schemas the write operations of e
// send, each with its operations.
func (c *specCheck) writeTargets(e *Entity) []*writeTarget {
	var out []*writeTarget
	for _, s := range e.slots() {
		sent := c.spec.WriteSchema(s.op)
		if !s.isWrite() || sent == nil {
			continue
		}
		i := slices.IndexFunc(out, func(t *writeTarget) bool { return t.sent == sent })
		if i < 0 {
			b := c.spec.WriteBranch(e, s.op)
			t := &writeTarget{sent: sent, schema: b.Schema, branch: b.String(), input: s.op.Input}
			if len(b.Ties) > 0 {
				t.ties, t.base = append([]string{b.Path}, b.Ties...), c.spec.writeSchemaPointer(s.op)
			}
			out = append(out, t)
			i = len(out) - 1
		}
		out[i].ops = append(out[i].ops, s.op.Operation)
	}
	return out
}

// checkBranchTies warns when the mapping fits several branches of a
// composed body equally: each record is written as the first that
// accepts it, which may not be the variant meant.
func (c *specCheck) checkBranchTies(t *writeTarget, p string) {
	if len(t.ties) == 0 {
		return
	}
	names := make([]string, len(t.ties))
	// t.ties[0] is the branch tried first.
	for i, tie := range t.ties {
		names[i] = strings.TrimPrefix(tie, "/")
	}
	hint := `write a constant that only the variant meant allows (a discriminator such as "kind": 1 against enum [1]), or name the branch with "input" on the operation`
	if t.base != "" {
		hint += `, such as "input": "` + t.base + t.ties[0] + `"`
	}
	c.r.warnHint(CodeAmbiguousBranch, p, hint, "the write mapping fits branches %s of %s equally well: each record is written as the first of them that accepts it",
		strings.Join(names, " and "), t.sentName())
}

// firstSchema returns the schema of the first target, or nil.
func firstSchema(targets []*writeTarget) *openapi3.Schema {
	if len(targets) == 0 {
		return nil
	}
	return targets[0].schema
}

// mappingCheck checks the fields of a mapping against a target schema.
type mappingCheck struct {
	r     *report
	code  string // finding code of an unknown field
	where string // what the target is, for messages
}

// fields reports mapped fields that schema does not have, recursing into
// nested objects and arrays of objects.
func (m *mappingCheck) fields(mapping map[string]any, schema *openapi3.Schema, p string) {
	for _, k := range slices.Sorted(maps.Keys(mapping)) {
		prop, known := property(schema, k, 0)
		if prop == nil && known {
			m.r.errorHint(m.code, jsonptr.Join(p, k), didYouMean(k, propertyNames(schema), "fields there"),
				"field %q is not in %s", k, m.where)
			continue
		}
		m.nested(mapping[k], prop, jsonptr.Join(p, k))
	}
}

// nested recurses into a mapped object or array of objects.
func (m *mappingCheck) nested(v any, schema *openapi3.Schema, p string) {
	if schema == nil {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		m.fields(v, schema, p)
	case []any:
		for i, item := range v {
			if obj, ok := item.(map[string]any); ok {
				m.fields(obj, arrayItems(schema), jsonptr.Join(p, strconv.Itoa(i)))
			}
		}
	}
}

// required reports required fields of schema that the mapping does not
// write, in the mapping's nested objects too.
func (m *mappingCheck) required(mapping map[string]any, schema *openapi3.Schema, p string) {
	for _, name := range requiredNames(schema) {
		if _, ok := mapping[name]; !ok {
			m.r.errorHint(CodeUnmappedRequiredField, p, `add "`+name+`": "{{ ... }}" to the mapping`,
				"required field %q of %s is not mapped", name, m.where)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(mapping)) {
		if obj, ok := mapping[k].(map[string]any); ok {
			if prop, _ := property(schema, k, 0); prop != nil {
				m.required(obj, prop, jsonptr.Join(p, k))
			}
		}
	}
}

// writes reports whether a mapping writes the dotted path.
func writes(mapping Mapping, path string) bool {
	_, ok := jsonvalue.Lookup(map[string]any(mapping), path)
	return ok
}
