package instance

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/specsync/specsync/specs"
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
	inst := &Instance{}
	found, err := specs.DecodeDocument(name, data, inst)
	if err != nil {
		return nil, nil, err
	}
	found = append(found, unreported(found, ValidateInstance(inst))...)
	return inst, specs.Locate(found, name, data), nil
}

// ReadInstance reads and decodes the instance file at path and makes the
// paths in it (specs, model, credential files) absolute, relative to the
// file's folder.
func ReadInstance(path string) (*Instance, specs.Findings, error) {
	f, err := readInstanceFile(path)
	if err != nil {
		return nil, nil, err
	}
	return f.inst, f.found, nil
}

// instanceFile is a decoded instance file with what LoadInstance needs
// besides: the raw data (to locate later findings) and the file's folder.
type instanceFile struct {
	inst  *Instance
	found specs.Findings
	data  []byte
	dir   string
}

// readInstanceFile reads, decodes and resolves the paths of the instance
// file at path.
func readInstanceFile(path string) (*instanceFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &specs.ReadError{File: path, Err: err}
	}
	inst, found, err := DecodeInstance(path, data)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, &specs.ReadError{File: path, Err: fmt.Errorf("resolving the instance's folder: %w", err)}
	}
	inst.ResolvePaths(dir)
	return &instanceFile{inst: inst, found: found, data: data, dir: dir}, nil
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

// unreported drops the validation findings at or under a pointer the
// decoder already reported, so that one mistake gives one finding.
func unreported(decoded, found specs.Findings) specs.Findings {
	var out specs.Findings
	for _, f := range found {
		if !slices.ContainsFunc(decoded, func(r specs.Finding) bool { return within(f.Pointer, r.Pointer) }) {
			out = append(out, f)
		}
	}
	return out
}

// within reports whether pointer p is at or under pointer parent.
func within(p, parent string) bool {
	return p == parent || (parent != "" && strings.HasPrefix(p, parent+"/"))
}

// sortedKeys returns the keys of m in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
