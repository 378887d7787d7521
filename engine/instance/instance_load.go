package instance

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/specs"
)

// Loaded is an instance with its specs and model loaded. Any of the
// loaded documents is nil when it could not be loaded; the findings say
// why.
type Loaded struct {
	Instance *Instance
	Home     *specs.Spec
	Partner  *specs.Spec
	Model    *specs.Model
}

// LoadInstance reads the instance file at path (ReadInstance), loads its
// model and both specs with package specs, and checks the instance
// against them: permission and source-of-truth entities exist in the
// partner spec, every credential a spec refers to by name is supplied,
// and server variables exist in the spec's servers. It returns every
// finding of the instance, the model and the specs together; a document
// that cannot be read gives a parse-error finding.
//
// The error is non-nil only when the instance file itself cannot be read
// or parsed (a *specs.ReadError).
func LoadInstance(path string, opts specs.LoadOptions) (*Loaded, specs.Findings, error) {
	f, err := readInstanceFile(path)
	if err != nil {
		return nil, nil, err
	}
	l := &Loaded{Instance: f.inst}
	v := &checker{}
	found := append(f.found, l.loadDocuments(opts, f.dir, v)...)
	found = append(found, specs.Locate(append(v.list, l.crossCheck()...), path, f.data)...)
	return l, found, nil
}

// Capture loads the model and both specs of inst (its paths absolute, as
// ReadInstance leaves them) through opts.Files, checks inst against them
// as LoadInstance does, and returns the content of every file the loads
// read, which is what Apply stores, with every finding. A document that
// cannot be read is a finding and is missing from the files.
func Capture(inst *Instance, opts specs.LoadOptions) (specs.FileSet, specs.Findings) {
	rec := &specs.FileRecorder{From: opts.Files}
	opts.Files = rec
	l := &Loaded{Instance: inst}
	v := &checker{}
	found := l.loadDocuments(opts, "", v)
	found = append(found, v.list...)
	return rec.Files(), append(found, l.crossCheck()...)
}

// loadDocuments loads the model and the specs and returns their findings.
// A document that does not exist is reported on the instance, through v.
func (l *Loaded) loadDocuments(opts specs.LoadOptions, dir string, v *checker) specs.Findings {
	var found specs.Findings
	failed := func(err error, p, file string) {
		if errors.Is(err, fs.ErrNotExist) {
			rel, relErr := filepath.Rel(dir, file)
			if relErr != nil {
				rel = filepath.Base(file)
			}
			v.errorf(specs.CodeInvalidValue, p, "check the path; it is relative to the instance file", "there is no file %q", rel)
			return
		}
		found = append(found, readFinding(err)...)
	}
	if p := l.Instance.Model; p != "" {
		m, more, err := specs.LoadModel(p, opts)
		l.Model, found = m, append(found, more...)
		failed(err, "/model", p)
	}
	load := func(p, at string) *specs.Spec {
		if p == "" {
			return nil
		}
		spec, more, err := specs.Load(p, opts)
		found = append(found, more...)
		failed(err, at, p)
		if spec != nil && l.Model != nil {
			found = append(found, specs.Validate(spec, l.Model)...)
		}
		return spec
	}
	l.Home = load(l.Instance.Home.Spec, "/home/spec")
	l.Partner = load(l.Instance.Partner.Spec, "/partner/spec")
	return found
}

// readFinding turns a load error into a parse-error finding.
func readFinding(err error) specs.Findings {
	var re *specs.ReadError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		return specs.Findings{re.Finding()}
	}
	return specs.Findings{{Code: specs.CodeParseError, Severity: specs.SeverityError, Message: err.Error()}}
}

// crossCheck checks the instance against its loaded specs.
func (l *Loaded) crossCheck() specs.Findings {
	v := &checker{}
	inst := l.Instance
	if l.Partner != nil && l.Partner.Sync != nil {
		entities := slices.Sorted(maps.Keys(l.Partner.Sync.Entities))
		pointers := inst.Permissions.entities()
		for _, entity := range slices.Sorted(maps.Keys(inst.SourceOfTruth)) {
			pointers[jsonptr.Join("/sourceOfTruth", entity)] = entity
		}
		for _, entity := range slices.Sorted(maps.Keys(inst.FieldSourceOfTruth)) {
			pointers[jsonptr.Join("/fieldSourceOfTruth", entity)] = entity
		}
		for _, p := range slices.Sorted(maps.Keys(pointers)) {
			if entity := pointers[p]; !slices.Contains(entities, entity) {
				v.errorf(specs.CodeUnknownEntity, p, hintFor(entity, entities), "the partner spec has no entity %q", entity)
			}
		}
		v.ownedFields(l.Partner, inst.FieldSourceOfTruth)
	}
	v.supplies(l.Home, inst.Home, "/home")
	v.supplies(l.Partner, inst.Partner, "/partner")
	return v.list
}

// ownedFields refuses field owners named for fields the partner entity
// neither writes nor reads.
func (v *checker) ownedFields(partner *specs.Spec, owners map[string]map[string]specs.Side) {
	for _, entity := range slices.Sorted(maps.Keys(owners)) {
		if _, ok := partner.Entity(entity); !ok {
			continue // reported above
		}
		known := partner.FieldNames(entity)
		for _, field := range slices.Sorted(maps.Keys(owners[entity])) {
			if !slices.Contains(known, field) {
				v.errorf(specs.CodeUnknownWriteField, jsonptr.Join("/fieldSourceOfTruth", entity, field), specs.FieldsHint(field, known),
					"partner entity %q neither writes nor reads a field %q", entity, field)
			}
		}
	}
}

// supplies checks that sys gives spec every named credential and only
// server variables the spec's servers have.
func (v *checker) supplies(spec *specs.Spec, sys System, p string) {
	if spec == nil || spec.Sync == nil {
		return
	}
	needed := namedCredentials(spec.Sync)
	var unused []string
	for _, name := range slices.Sorted(maps.Keys(sys.Credentials)) {
		if !slices.Contains(needed, name) {
			unused = append(unused, name)
		}
	}
	for _, name := range needed {
		if _, ok := sys.Credentials[name]; !ok {
			hint := fmt.Sprintf(`add "credentials": {%q: {"env": "VARIABLE"}}`, name)
			if close := specs.Suggest(name, unused); close != "" {
				hint = fmt.Sprintf("did you mean %q, which the instance supplies? rename it to %q", close, name)
			}
			v.errorf(specs.CodeMissingKey, jsonptr.Join(p, "credentials", name), hint,
				"spec %s needs the credential %q, which the instance does not supply", filepath.Base(spec.Path), name)
		}
	}
	if a := spec.Sync.Auth; a != nil && a.Settings == nil {
		// The auth config was not decoded (a load without plug-ins): the
		// names it uses are unknown, so no supplied name is surely unused.
		unused = nil
	}
	for _, name := range unused {
		hint := "the spec refers to no credential by name; remove it"
		if len(needed) > 0 {
			hint = hintFor(name, needed)
		}
		v.errorf(specs.CodeUnknownKey, jsonptr.Join(p, "credentials", name), hint,
			"spec %s refers to no credential %q", filepath.Base(spec.Path), name)
	}
	known := serverVariables(spec)
	for _, name := range slices.Sorted(maps.Keys(sys.ServerVariables)) {
		if !slices.Contains(known, name) {
			v.errorf(specs.CodeUnknownKey, jsonptr.Join(p, "serverVariables", name), hintFor(name, known),
				"the servers of spec %s have no variable %q", filepath.Base(spec.Path), name)
		}
	}
}

// serverVariables lists the variable names of the spec's servers.
func serverVariables(spec *specs.Spec) []string {
	if spec.Doc == nil {
		return nil
	}
	names := map[string]bool{}
	for _, s := range spec.Doc.Servers {
		for name := range s.Variables {
			names[name] = true
		}
	}
	return slices.Sorted(maps.Keys(names))
}

// namedCredentials lists, sorted, the names of the credentials a spec
// refers to with {"credential": "name"}, wherever they are in x-sync.
func namedCredentials(sync *specs.Sync) []string {
	var names []string
	for _, ref := range specs.References(sync) {
		if ref.Credential != "" {
			names = append(names, ref.Credential)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
