package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// mapper applies a compiled mapping to one record's variables.
type mapper interface {
	Apply(vars transforms.Vars) (map[string]any, error)
}

// side is one system of a flow and the spec entity it reads or writes.
type side struct {
	client *connectors.Client
	spec   *specs.Spec
	name   string
	ent    *specs.Entity
}

// flow is one direction and entity of a run, compiled once: where
// records come from, how they are mapped, and where they go. Its entity
// name is the partner spec's, for state, permissions and audit in both
// directions.
type flow struct {
	dir      instance.Direction
	entity   string
	model    string
	src, dst side
	// list holds the options of every listing of the flow's systems: its
	// parameter templates see the instance.
	list     connectors.ListOptions
	read     mapper // src API object -> model record
	write    mapper // model record -> dst body
	compare  mapper // dst API object -> the write's fields, for reconcile; nil when not declared
	when     *transforms.Template
	includes []*include
	schema   *openapi3.Schema
	owner    instance.Direction
	// fieldOwners holds the owner of each payload field whose owner is
	// not the entity's (ownership.go); nil when there is none.
	fieldOwners map[string]instance.Direction
	mask        map[string]bool // payload fields holding personal data
	readMask    map[string]bool // model fields holding personal data
	feeds       bool            // later flows include this flow's model records
	recipe      string          // hash of everything besides the records that makes a payload
	onlyID      bool            // nothing reads the destination's answers but their ids
	matches     bool            // a match step finds the records creates would duplicate
	// clears is set when the destination's updates keep the fields their
	// body leaves out (merge-style): a field sent before and now empty is
	// cleared explicitly (clearing.go).
	clears bool
}

// owning reports whether the flow's source system owns the entity.
func (f *flow) owning() bool { return f.owner == f.dir }

// label names the flow in messages ("push tenant").
func (f *flow) label() string { return string(f.dir) + " " + f.entity }

// writeOp returns the operation a create (or update) of the flow uses.
func (f *flow) writeOp(a instance.Action) *specs.Operation {
	e := f.dst.ent
	if a == instance.Update && e.Update != nil {
		return e.Update
	}
	if e.Upsert != nil {
		return e.Upsert
	}
	if a == instance.Update {
		return e.Update
	}
	return e.Create
}

// flows reports whether a home entity and a partner entity of one model
// entity have a flow in direction dir: the source lists, the destination
// writes.
func flows(dir instance.Direction, home, partner *specs.Entity) bool {
	if dir == instance.Push {
		return home.List != nil && canWrite(partner)
	}
	return partner.List != nil && canWrite(home)
}

// canWrite reports whether an entity has an operation that writes.
func canWrite(e *specs.Entity) bool {
	return e != nil && (e.Upsert != nil || e.Create != nil || e.Update != nil)
}

// homeEntity returns the home spec entity of a model entity: the one with
// the same name as the partner's when it exists, else the first by name.
func homeEntity(home *specs.Spec, model, prefer string) (string, *specs.Entity) {
	if e, ok := home.Entity(prefer); ok && e.Model == model {
		return prefer, e
	}
	for _, name := range slices.Sorted(maps.Keys(home.Sync.Entities)) {
		if e := home.Sync.Entities[name]; e != nil && e.Model == model {
			return name, e
		}
	}
	return "", nil
}

// ownerOf is the direction whose source owns a partner entity: push when
// the home owns it (the default), pull when the partner does.
func ownerOf(inst *instance.Instance, name string, e *specs.Entity) instance.Direction {
	sot := e.SourceOfTruth
	if o, ok := inst.SourceOfTruth[name]; ok {
		sot = o
	}
	if sot == "partner" {
		return instance.Pull
	}
	return instance.Push
}

// flowBuilder compiles the flows of a run.
type flowBuilder struct {
	j             *job
	home, partner *connectors.Client
}

// build compiles the flows of both directions in dependency order.
func (b flowBuilder) build() ([]*flow, error) {
	l := b.j.l
	var push, pull []*flow
	for _, name := range l.Partner.Order(l.Model) {
		p := l.Partner.Sync.Entities[name]
		hname, h := homeEntity(l.Home, p.Model, name)
		if h == nil {
			continue
		}
		partner := side{client: b.partner, spec: l.Partner, name: name, ent: p}
		home := side{client: b.home, spec: l.Home, name: hname, ent: h}
		if flows(instance.Push, h, p) {
			f, err := b.compile(instance.Push, name, home, partner)
			if err != nil {
				return nil, err
			}
			push = append(push, f)
		}
		if flows(instance.Pull, h, p) {
			f, err := b.compile(instance.Pull, name, partner, home)
			if err != nil {
				return nil, err
			}
			pull = append(pull, f)
		}
	}
	markFeeds(push)
	return append(push, pull...), nil
}

// compile builds one flow.
func (b flowBuilder) compile(dir instance.Direction, name string, src, dst side) (*flow, error) {
	model := src.ent.Model
	partner := b.partnerEntity(src, dst)
	f := &flow{dir: dir, entity: name, model: model, src: src, dst: dst, owner: ownerOf(b.j.inst, name, partner)}
	f.fieldOwners = fieldOwners(b.j.inst, f, partner)
	f.schema = dst.spec.WriteSchema(f.writeOp(instance.Create))
	steps := []func(*flow) error{b.mappings, b.includes, b.whenTemplate}
	for _, step := range steps {
		if err := step(f); err != nil {
			return nil, fmt.Errorf("%s: %w", f.label(), err)
		}
	}
	f.mask = maskedFields(f, b.j.l.Model)
	f.readMask = map[string]bool{}
	for _, field := range personalOf(f, b.j.l.Model, f.model) {
		f.readMask[field] = true
	}
	f.recipe = recipeOf(f, b.j.vars)
	f.list = connectors.ListOptions{Vars: transforms.Vars{varInstance: b.j.vars}}
	f.clears = (dst.ent.Update != nil || dst.ent.Upsert != nil) && !dst.spec.Replaces(dst.ent)
	return f, nil
}

// partnerEntity returns the partner side's entity of a flow.
func (b flowBuilder) partnerEntity(src, dst side) *specs.Entity {
	if src.spec == b.j.l.Partner {
		return src.ent
	}
	return dst.ent
}

// mappings compiles the flow's read and write mappings.
func (b flowBuilder) mappings(f *flow) error {
	var err error
	if f.read, err = b.readMapping(f.src, f.src.ent.Read, b.j.l.Model.Schema(f.model)); err != nil {
		return err
	}
	if f.write, err = b.mapping(f.dst, "write", f.dst.ent.Write, f.schema); err != nil || f.dst.ent.Compare == nil {
		return err
	}
	// A projection for comparison names only some fields: it is not held
	// to the write schema's required fields.
	f.compare, err = b.mapping(f.dst, "compare", f.dst.ent.Compare, nil)
	return err
}

// templates returns the environment compiling the templates of the
// side's spec, within the spec's limits.
func (s side) templates(env *transforms.Env) *transforms.Env {
	if s.spec == nil || s.spec.Sync == nil {
		return env
	}
	return env.WithLimits(s.spec.Sync.Limits.Templates())
}

// mapping compiles one mapping against the schema its result must
// satisfy; an omitted one is the identity. Mappings convert rendered
// values to the schema's types and check the result against it, so a
// payload that does not fit fails its record before anything is sent.
func (b flowBuilder) mapping(s side, kind string, m specs.Mapping, schema *openapi3.Schema) (mapper, error) {
	compiled, err := s.templates(b.j.cfg.Templates).CompileMapping(m, schema)
	if err != nil {
		return nil, fmt.Errorf("%s mapping: %w", kind, err)
	}
	return compiled, nil
}

// readMapping compiles a read mapping. An omitted one copies the API
// object as it is: records read are not checked against the model (what
// is written is checked against the target's schema).
func (b flowBuilder) readMapping(s side, m specs.Mapping, schema *openapi3.Schema) (mapper, error) {
	if m == nil {
		return identity{}, nil
	}
	return b.mapping(s, "read", m, schema)
}

// identity is the mapping of an omitted read: the record itself.
type identity struct{}

// Apply returns the "record" variable itself: a run never changes the
// records it reads, so they need no copy.
func (identity) Apply(vars transforms.Vars) (map[string]any, error) {
	rec, _ := vars[varRecord].(map[string]any)
	return rec, nil
}

// whenTemplate compiles the destination entity's `when`.
func (b flowBuilder) whenTemplate(f *flow) error {
	src := f.dst.ent.When
	if src == "" {
		return nil
	}
	t, err := f.dst.templates(b.j.cfg.Templates).Compile(src)
	if err != nil {
		return fmt.Errorf("when: %w", err)
	}
	f.when = t
	return nil
}

// markFeeds marks the flows whose model records later flows include.
func markFeeds(flows []*flow) {
	for i, f := range flows {
		for _, later := range flows[i+1:] {
			if slices.ContainsFunc(later.includes, func(inc *include) bool { return inc.model == f.model }) {
				f.feeds = true
			}
		}
	}
}

// recipeOf hashes what makes a flow's payloads besides the records: the
// mappings, includes, `when`, the target schema and the instance
// variables. A changed spec changes it, so no memo of an older payload
// is trusted.
func recipeOf(f *flow, inst map[string]any) string {
	schema, _ := json.Marshal(f.schema) // a loaded schema always encodes
	h := newValueHash()
	defer h.done()
	h.value(map[string]any(f.src.ent.Read))
	h.value(map[string]any(f.dst.ent.Write))
	h.str('w', f.dst.ent.When)
	for _, name := range slices.Sorted(maps.Keys(f.dst.ent.Include)) {
		h.str('i', name+"="+f.dst.ent.Include[name])
	}
	h.str('s', string(schema))
	h.value(inst)
	return h.sum()
}

// listSince returns the flow's listing options for the records changed
// since t (all records when t is zero).
func listSince(f *flow, t time.Time) connectors.ListOptions {
	o := f.list
	o.Since = t
	return o
}
