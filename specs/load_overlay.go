package specs

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// overlayForm is what kind of overlay a file is, if any.
type overlayForm int

const (
	notOverlay overlayForm = iota
	// overlaySimple is specsync's own form: a root "extends" and members
	// merged into the extended document's root.
	overlaySimple
	// overlayActions is an OpenAPI Overlay 1.0 document: "overlay",
	// "extends" and "actions" with JSONPath targets.
	overlayActions
)

// overlayFormOf tells an overlay by its content: an "overlay" key makes
// an OpenAPI Overlay, an "extends" key without "openapi" or "swagger"
// the simple form.
func overlayFormOf(root *yaml.Node) overlayForm {
	switch {
	case memberNode(root, "overlay") != nil:
		return overlayActions
	case memberNode(root, "openapi") != nil || memberNode(root, "swagger") != nil:
		return notOverlay
	case memberNode(root, "extends") != nil:
		return overlaySimple
	}
	return notOverlay
}

// extended is the vendor's document an overlay extends.
type extended struct {
	name     string // as findings name it: relative like the overlay's name, or the URL
	location string // as Files reads it: absolute and clean, or the URL
	src      *source
}

// loadOverlay loads the spec an overlay (parsed as ov) makes of the
// document it extends: it reads that document through opts' Files and
// reference policy, applies the overlay to it (never writing it) and
// loads the result as LoadBytes loads a document. Findings are located in
// the file that wrote the offending value.
func loadOverlay(ov *source, form overlayForm, opts LoadOptions) (*Spec, Findings, error) {
	own := &report{file: ov.name, source: ov.pos}
	var actions []overlayAction
	if form == overlayActions {
		actions = decodeOverlayActions(ov, own)
	}
	base, err := readExtended(ov, opts, own)
	if base == nil || own.hasErrors() {
		return nil, own.sorted(), err
	}
	m := newMerger(0, form == overlaySimple)
	if form == overlaySimple {
		mergeSimple(m, ov.root, base.src.root)
	} else {
		applyActions(m, actions, base.src.root, own)
	}
	merged, err := mergedSource(base, m)
	if err != nil {
		return nil, nil, err
	}
	spec, found := loadSource(ov.name, merged, base.location, opts)
	if spec != nil {
		spec.Extends = base.name
	}
	if memberNode(merged.root, "x-sync") == nil {
		found = missingXSync(own, found)
	}
	return spec, sortFindings(append(own.findings, found...)), nil
}

// missingXSync reports a missing x-sync in the overlay, where it belongs,
// instead of at the root of the vendor's document.
func missingXSync(own *report, found Findings) Findings {
	own.errorHint(CodeMissingXSync, "", `add an "x-sync" object to the overlay, with "system" and "entities"`, "neither the overlay nor the document it extends has an x-sync extension")
	return slices.DeleteFunc(found, func(f Finding) bool { return f.Code == CodeMissingXSync })
}

// mergeSimple merges every root member of a simple overlay but "extends"
// into the document's root.
func mergeSimple(m *merger, overlay, doc *yaml.Node) {
	for i := 0; i+1 < len(overlay.Content); i += 2 {
		k := overlay.Content[i]
		if k.Value == "extends" {
			continue
		}
		p := jsonptr.Join("", k.Value)
		m.mergeMember(doc, k, overlay.Content[i+1], p, p)
	}
}

// mergedSource is the source LoadBytes checks for an overlay's result:
// the merged tree, located by a SourceMap over both files, and the bytes
// kin-openapi reads: the vendor's file itself when the overlay added only
// root extensions (so that kin-openapi's origins point into it), else the
// merged tree written out.
func mergedSource(base *extended, m *merger) (*source, error) {
	src := &source{name: base.name, data: base.src.data, root: base.src.root, pos: newMergedSourceMap(base.src.root, base.name, m)}
	if !m.touched {
		return src, nil
	}
	data, err := yaml.Marshal(base.src.root)
	if err != nil {
		return nil, &ReadError{File: base.name, Err: fmt.Errorf("writing the document with the overlay applied: %w", err)}
	}
	src.data, src.noOrigins = data, true
	return src, nil
}

// readExtended reads and parses the document the overlay's "extends"
// names. It returns nil with a finding when "extends" is missing or
// refused, or the document cannot be read, and a *ReadError when the
// document cannot be parsed.
func readExtended(ov *source, opts LoadOptions, r *report) (*extended, error) {
	n := memberNode(ov.root, "extends")
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || n.Value == "" {
		r.errorHint(CodeOverlayInvalid, pointerIf(n, "/extends"), `set "extends" to the path of the vendor's document, relative to the overlay`,
			"an overlay needs a string \"extends\" naming the document it extends")
		return nil, nil
	}
	base, ok := extendedLocation(ov.name, n.Value, opts, r)
	if !ok {
		return nil, nil
	}
	data, err := opts.files().ReadFile(base.location)
	if err != nil {
		hint := "check the path: it is relative to the overlay's folder"
		if !errors.Is(err, fs.ErrNotExist) {
			hint = "check that the file exists and can be read"
		}
		r.errorHint(CodeOverlayInvalid, "/extends", hint, "the extended document %s (%s) cannot be read: %s", n.Value, base.name, unwrapPathError(err))
		return nil, nil
	}
	if base.src, err = parseSource(base.name, data); err != nil {
		return nil, err
	}
	base.src.pos = nil // the result gets a map of its own
	if overlayFormOf(base.src.root) != notOverlay {
		r.errorHint(CodeOverlayInvalid, "/extends", "point extends at the vendor's document itself and move the other overlay's changes into this one",
			"%s is an overlay too; an overlay extends an OpenAPI or Swagger document, not another overlay", n.Value)
		return nil, nil
	}
	return base, nil
}

// extendedLocation resolves the value of "extends" against the overlay's
// name and checks it against the reference policy, as a $ref of the
// overlay would be.
func extendedLocation(name, extends string, opts LoadOptions, r *report) (*extended, bool) {
	if isURL(extends) {
		if !opts.AllowRemoteRefs {
			u, _ := url.Parse(extends)
			r.errorHint(CodeExternalRefRefused, "/extends", refusedHint(u), "extends %q is refused: it names a URL; remote documents are refused", extends)
			return nil, false
		}
		return &extended{name: extends, location: extends}, true
	}
	path := filepath.FromSlash(extends)
	display, abs := path, path
	if !filepath.IsAbs(path) {
		display = filepath.Join(filepath.Dir(name), path)
		abs = filepath.Join(filepath.Dir(absPath(name)), path)
	}
	abs = filepath.Clean(abs)
	policy := newRefPolicy(absPath(name), opts)
	if why := policy.check(&url.URL{Path: filepath.ToSlash(abs)}); why != "" {
		r.errorHint(CodeExternalRefRefused, "/extends", "move the vendor's document into the overlay's folder, or allow external files (--allow-external-files)",
			"extends %q is refused: %s", extends, why)
		return nil, false
	}
	return &extended{name: display, location: abs}, true
}

// unwrapPathError drops the path an *fs.PathError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// pointerIf returns p when n exists, else the root.
func pointerIf(n *yaml.Node, p string) string {
	if n == nil {
		return ""
	}
	return p
}
