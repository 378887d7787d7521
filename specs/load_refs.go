package specs

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// remoteRefTimeout bounds one download of a remote $ref when
// LoadOptions.AllowRemoteRefs permits them.
const remoteRefTimeout = 30 * time.Second

// refPolicy decides which $ref targets a load may read: files inside the
// spec's folder always, files elsewhere and http(s) URLs only when the
// options allow them. It records what it refused.
type refPolicy struct {
	dir     string // the spec's folder, absolute and clean
	opts    LoadOptions
	refused []*refusedRefError // what read refused, in order
}

// newRefPolicy returns the policy for a spec file at abs (absolute).
func newRefPolicy(abs string, opts LoadOptions) *refPolicy {
	return &refPolicy{dir: filepath.Dir(abs), opts: opts}
}

// check returns why location may not be read, or "" when it may.
func (p *refPolicy) check(location *url.URL) string {
	switch location.Scheme {
	case "http", "https":
		if p.opts.AllowRemoteRefs {
			return ""
		}
		return "it names a URL; remote references are refused"
	case "", "file":
		if p.opts.AllowExternalFiles || p.inside(location.Path) {
			return ""
		}
		return "it leaves the spec's folder"
	}
	return fmt.Sprintf("the %q scheme is not supported", location.Scheme)
}

// inside reports whether the file at path (after cleaning and resolving
// symbolic links) lies in the spec's folder or below.
func (p *refPolicy) inside(path string) bool {
	path = filepath.Clean(filepath.FromSlash(path))
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.dir, path)
	}
	return within(realPath(p.dir), realPath(path))
}

// within reports whether path is dir or below it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// realPath resolves symbolic links where the file exists.
func realPath(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	return path
}

// read is the loader's ReadFromURIFunc. It enforces the policy itself, as
// kin-openapi requires of a custom reader, and reads through the options'
// Files.
func (p *refPolicy) read(loader *openapi3.Loader, location *url.URL) ([]byte, error) {
	if why := p.check(location); why != "" {
		e := &refusedRefError{location: p.display(location), why: why}
		p.refused = append(p.refused, e)
		return nil, e
	}
	data, err := p.opts.files().ReadFile(refLocation(location.Scheme, location.String(), location.Path))
	return documentData(data), err
}

// display writes a location relative to the spec's folder when it is a
// file, so that messages do not depend on where the files are.
func (p *refPolicy) display(location *url.URL) string {
	if location.Scheme != "" && location.Scheme != "file" {
		return location.Redacted()
	}
	path := filepath.FromSlash(location.Path)
	if rel, err := filepath.Rel(p.dir, path); err == nil && !filepath.IsAbs(rel) {
		return filepath.ToSlash(rel)
	}
	return location.Path
}

// refusedRefError is returned to the loader for a refused location.
type refusedRefError struct{ location, why string }

func (e *refusedRefError) Error() string {
	return fmt.Sprintf("reference to %s refused: %s", e.location, e.why)
}

// scanRefs reports every $ref of the root file that the policy refuses
// (external-ref-refused) or that points into the file at nothing
// (openapi-invalid), each at the $ref itself. It returns whether it
// reported anything. Values that are data, not document structure, are
// skipped (see isDataKey).
func (p *refPolicy) scanRefs(src *source, r *report) bool {
	before := len(r.findings)
	p.walkRefs(src, src.root, "", r)
	return len(r.findings) > before
}

// walkRefs visits the members of n looking for $ref strings.
func (p *refPolicy) walkRefs(src *source, n *yaml.Node, ptr string, r *report) {
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p.walkRefs(src, c, jsonptr.Join(ptr, fmt.Sprint(i)), r)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			switch {
			case k == "$ref" && v.Kind == yaml.ScalarNode:
				p.checkRef(src, v.Value, jsonptr.Join(ptr, k), r)
			case isDataKey(k, v):
			default:
				p.walkRefs(src, v, jsonptr.Join(ptr, k), r)
			}
		}
	}
}

// isDataKey reports whether the value v of key k is data in which a "$ref"
// is not a reference: extensions, examples, defaults, enums and consts.
// An "examples" mapping holds Example objects (which may be references);
// an "examples" array, as in a JSON Schema, holds data.
func isDataKey(k string, v *yaml.Node) bool {
	switch k {
	case "example", "default", "enum", "const":
		return true
	case "examples":
		return v.Kind == yaml.SequenceNode
	}
	return strings.HasPrefix(k, "x-")
}

// checkRef checks one $ref value found at ptr.
func (p *refPolicy) checkRef(src *source, ref, ptr string, r *report) {
	u, err := url.Parse(ref)
	if err != nil {
		r.errorf(CodeOpenAPIInvalid, ptr, "$ref %q is not a valid URI reference", ref)
		return
	}
	if u.Scheme == "" && u.Host == "" && u.Path == "" {
		if !src.pos.has(u.Fragment) {
			r.errorHint(CodeOpenAPIInvalid, ptr, "point it at an existing component, such as \"#/components/schemas/Name\"", "$ref %q points at nothing in this file", ref)
		}
		return
	}
	if why := p.check(p.resolve(u)); why != "" {
		r.errorHint(CodeExternalRefRefused, ptr, refusedHint(u), "$ref %q is refused: %s", ref, why)
	}
}

// resolve makes a relative file reference absolute against the spec's
// folder.
func (p *refPolicy) resolve(u *url.URL) *url.URL {
	if u.Scheme != "" || filepath.IsAbs(filepath.FromSlash(u.Path)) {
		return u
	}
	abs := *u
	abs.Path = filepath.ToSlash(filepath.Join(p.dir, filepath.FromSlash(u.Path)))
	return &abs
}

// refusedHint says how to fix a refused reference.
func refusedHint(u *url.URL) string {
	if u.Scheme == "http" || u.Scheme == "https" {
		return "copy the referenced document next to the spec, or allow remote references (--allow-remote-refs)"
	}
	return "move the referenced file into the spec's folder, or allow external files (--allow-external-files)"
}
