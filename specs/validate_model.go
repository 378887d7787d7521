package specs

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/transforms"
)

// Validate runs the checks of spec that need the model: every entity maps
// to a model entity, includes name model entities, read targets and
// personal fields exist in the model's schemas, and write templates read
// fields the model has (a warning). It returns the findings in
// file order; Load has already reported everything else.
func Validate(spec *Spec, model *Model) Findings {
	if spec == nil || spec.Sync == nil || model == nil {
		return nil
	}
	c := &modelCheck{spec: spec, model: model, r: &report{file: spec.Path, source: spec.Source}}
	for _, name := range slices.Sorted(maps.Keys(spec.Sync.Entities)) {
		c.checkEntity(name, spec.Sync.Entities[name])
	}
	return c.r.sorted()
}

// modelCheck checks one spec against a model.
type modelCheck struct {
	spec  *Spec
	model *Model
	r     *report
}

// checkEntity checks one spec entity against the model.
func (c *modelCheck) checkEntity(name string, e *Entity) {
	p := entityPointer(name)
	entities := slices.Sorted(maps.Keys(c.model.Entities))
	if _, ok := c.model.Entities[e.Model]; e.Model != "" && !ok {
		c.r.errorHint(CodeUnknownEntity, jsonptr.Join(p, "model"), didYouMean(e.Model, entities, "model entities"),
			"the model has no entity %q", e.Model)
	}
	for _, inc := range slices.Sorted(maps.Keys(e.Include)) {
		if _, ok := c.model.Entities[inc]; !ok {
			c.r.errorHint(CodeUnknownEntity, jsonptr.Join(p, "include", inc), didYouMean(inc, entities, "model entities"),
				"cannot include %q: the model has no such entity", inc)
		}
	}
	c.checkPersonal(e, p)
	c.checkWriteReads(e, p)
	env := transforms.NewEnv()
	c.checkTemplateVars(name, e, env)
	c.checkIDReads(name, e, env)
	if schema := c.model.Schema(e.Model); schema != nil && len(e.Read) > 0 {
		m := &mappingCheck{r: c.r, code: CodeUnknownModelField, where: "model entity " + e.Model}
		m.fields(e.Read, schema, jsonptr.Join(p, "read"))
	}
}

// checkWriteReads warns about write templates that read a field the
// model does not have, such as "{{ lease.rnet }}": it reads as nothing,
// and every record would be written without it. Every path a template
// reads is checked (transforms.ReadPaths), each missing field once per
// template; templates that bind names of their own, and schemas open to
// any field, are not checked.
func (c *modelCheck) checkWriteReads(e *Entity, p string) {
	if len(e.Write) == 0 {
		return
	}
	m, err := transforms.NewEnv().CompileMapping(e.Write, nil)
	if err != nil {
		return // reported where templates are compiled
	}
	templates := m.Templates()
	for _, ptr := range slices.Sorted(maps.Keys(templates)) {
		paths, _ := transforms.ReadPaths(templates[ptr])
		warned := map[string]bool{}
		for _, path := range paths {
			if len(path) < 2 {
				continue
			}
			entity := path[0]
			if entity == "record" {
				entity = e.Model
			}
			if entity != e.Model && e.Include[entity] == "" {
				continue // not a model record: instance, key, id, ...
			}
			schema := c.model.Schema(entity)
			field := strings.Join(path[1:], ".")
			l := lookupPath(schema, field)
			if schema == nil || l.missing == "" || warned[path[0]+"."+field] {
				continue
			}
			warned[path[0]+"."+field] = true
			c.r.warnHint(CodeUnknownModelField, jsonptr.Join(p, "write")+ptr, didYouMean(l.missing, propertyNames(l.parent), "fields of "+entity),
				"the template reads %s.%s, but model entity %q has no field %q", path[0], field, entity, l.missing)
		}
	}
}

// checkPersonal checks personal fields: a field of the entity's model
// entity, or "include.field" for a field of an included entity.
func (c *modelCheck) checkPersonal(e *Entity, p string) {
	for i, f := range e.Personal {
		entity, field := e.Model, f
		if head, rest, ok := strings.Cut(f, "."); ok && (head == e.Model || e.Include[head] != "") {
			entity, field = head, rest
		}
		schema := c.model.Schema(entity)
		if l := lookupPath(schema, field); schema != nil && l.missing != "" {
			c.r.errorHint(CodeUnknownModelField, jsonptr.Join(p, "personal", strconv.Itoa(i)), didYouMean(l.missing, propertyNames(l.parent), "fields of "+entity),
				"model entity %q has no field %q", entity, field)
		}
	}
}

// ValidateFiles loads the model at modelPath (none when empty) and every
// spec, and returns all their findings, the model-dependent ones included.
// A file that cannot be read or parsed gives a parse-error finding, so the
// result covers every file.
func ValidateFiles(modelPath string, specPaths []string, opts LoadOptions) Findings {
	var all Findings
	var model *Model
	if modelPath != "" {
		m, fs, err := LoadModel(modelPath, opts)
		all = append(append(all, fs...), readFindings(err)...)
		model = m
	}
	for _, path := range specPaths {
		spec, fs, err := Load(path, opts)
		all = append(append(all, fs...), readFindings(err)...)
		switch {
		case spec != nil && model != nil:
			all = append(all, Validate(spec, model)...)
		case spec != nil && modelPath == "":
			all = append(all, modelNotFound(spec)...)
		}
	}
	return sortFindings(all)
}

// modelNotFound warns, when a spec names model entities, that no model
// was given, so nothing was checked against it.
func modelNotFound(spec *Spec) Findings {
	if spec.Sync == nil || !slices.ContainsFunc(slices.Collect(maps.Values(spec.Sync.Entities)), func(e *Entity) bool { return e.Model != "" }) {
		return nil
	}
	r := &report{file: spec.Path, source: spec.Source}
	r.warnHint(CodeModelNotFound, "/x-sync/entities",
		"pass the model document with --model MODEL, or name it among the files to validate (a file with x-model)",
		"no model was given, so the model entities, includes, read targets and fields that the templates read were not checked against one")
	return r.sorted()
}

// readFindings turns a load error into a parse-error finding.
func readFindings(err error) Findings {
	var re *ReadError
	if errors.As(err, &re) {
		return Findings{re.Finding()}
	}
	if err != nil {
		return Findings{{Code: CodeParseError, Severity: SeverityError, Message: err.Error()}}
	}
	return nil
}
