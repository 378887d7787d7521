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

// extended is a document an overlay extends.
type extended struct {
	name     string // as findings name it: relative like the overlay's name, or the URL
	location string // as Files reads it: absolute and clean, or the URL
	src      *source
}

// overlayLayer is an overlay to apply: its parsed file, its form, its
// decoded actions, the report of its own findings and its file number in
// the result's SourceMap.
type overlayLayer struct {
	src     *source
	form    overlayForm
	actions []overlayAction
	r       *report
	file    int32
}

// newOverlayLayer decodes the overlay src of the given form.
func newOverlayLayer(src *source, form overlayForm, file int32) *overlayLayer {
	l := &overlayLayer{src: src, form: form, r: &report{file: src.name, source: src.pos}, file: file}
	if form == overlayActions {
		l.actions = decodeOverlayActions(src, l.r)
	}
	return l
}

// apply applies the overlay to the document under root.
func (l *overlayLayer) apply(st *mergeState, root *yaml.Node) {
	m := &merger{file: l.file, nullDeletes: l.form == overlaySimple, mergeState: st}
	if l.form == overlaySimple {
		mergeSimple(m, l.src.root, root)
		return
	}
	applyActions(m, l.actions, root, l.r)
}

// loadOverlay loads the spec an overlay (parsed as ov) makes of the
// document it extends: it reads that document through opts' Files and
// reference policy, applies the overlay to it (never writing it) and
// loads the result as LoadBytes loads a document. The extended document
// may itself be an overlay of a document (one level): both apply, the
// inner one first. Findings are located in the file that wrote the
// offending value.
func loadOverlay(ov *source, form overlayForm, opts LoadOptions) (*Spec, Findings, error) {
	layers := []*overlayLayer{newOverlayLayer(ov, form, 0)}
	base, err := readExtended(layers[0], opts)
	if base != nil && overlayFormOf(base.src.root) != notOverlay {
		inner := newOverlayLayer(base.src, overlayFormOf(base.src.root), 2)
		layers = append(layers, inner)
		if base, err = readExtended(inner, opts); base != nil && overlayFormOf(base.src.root) != notOverlay {
			inner.r.errorHint(CodeOverlayInvalid, "/extends", "point extends at the vendor's document, or merge two of the overlays into one",
				"%s is an overlay too; an overlay may extend one other overlay, which extends the document itself", memberNode(inner.src.root, "extends").Value)
		}
	}
	if base != nil {
		swagger := memberNode(base.src.root, "swagger") != nil
		for _, l := range layers {
			checkSimpleRoot(l, swagger)
		}
	}
	if own := layerFindings(layers); base == nil || own.HasErrors() {
		return nil, sortFindings(own), err
	}
	files := []string{base.name}
	st := newMergeState()
	for _, l := range slices.Backward(layers) {
		if l.file > 1 {
			files = append(files, l.src.name)
		}
		l.apply(st, base.src.root)
	}
	return loadMerged(layers, base, files, st, opts)
}

// layerFindings collects the overlays' own findings.
func layerFindings(layers []*overlayLayer) Findings {
	var out Findings
	for _, l := range layers {
		out = append(out, l.r.findings...)
	}
	return out
}

// loadMerged loads the result of applying the overlays to base (files
// names the files of its SourceMap, see newMergedSourceMap) and adds the
// overlays' own findings.
func loadMerged(layers []*overlayLayer, base *extended, files []string, st *mergeState, opts LoadOptions) (*Spec, Findings, error) {
	merged, err := mergedSource(base, files, st)
	if err != nil {
		return nil, nil, err
	}
	// merged is now the only holder of the document's tree, which
	// loadSource releases (see source.release).
	base.src = nil
	hasSync := memberNode(merged.root, "x-sync") != nil
	top := layers[0]
	spec, found := loadSource(top.src.name, merged, base.location, opts)
	if spec != nil {
		spec.Extends = base.name
	}
	if !hasSync {
		found = slices.DeleteFunc(found, func(f Finding) bool { return f.Code == CodeMissingXSync })
		top.r.errorHint(CodeMissingXSync, "", `add an "x-sync" object to the overlay, with "system" and "entities"`,
			"neither the overlay nor the document it extends has an x-sync extension")
	}
	return spec, sortFindings(append(layerFindings(layers), found...)), nil
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
func mergedSource(base *extended, files []string, st *mergeState) (*source, error) {
	if !st.touched {
		pos := reuseSourceMap(base.src.pos, base.src.root, files, st)
		return &source{name: base.name, data: base.src.data, root: base.src.root, pos: pos}, nil
	}
	base.src.pos = nil // let it go before the result's is built
	src := &source{name: base.name, data: base.src.data, root: base.src.root, pos: newMergedSourceMap(base.src.root, files, st)}
	blockStyle(base.src.root)
	data, err := yaml.Marshal(base.src.root)
	if err != nil {
		return nil, &ReadError{File: base.name, Err: fmt.Errorf("writing the document with the overlay applied: %w", err)}
	}
	src.data, src.noOrigins = data, true
	return src, nil
}

// blockStyle drops the flow style of the objects and arrays under n (all
// of a JSON document's), so that the result is written as block YAML,
// which no reader mistakes for JSON.
func blockStyle(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style &^= yaml.FlowStyle
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// readExtended reads and parses the document the overlay's "extends"
// names (which may be an overlay itself). It returns nil with a finding
// when "extends" is missing or refused, or the document cannot be read,
// and a *ReadError when the document cannot be parsed.
func readExtended(l *overlayLayer, opts LoadOptions) (*extended, error) {
	ov, r := l.src, l.r
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
	return base, nil
}

// extendedLocation resolves the value of "extends" against the overlay's
// name and checks it against the reference policy, as a $ref of the
// overlay would be.
func extendedLocation(name, extends string, opts LoadOptions, r *report) (*extended, bool) {
	if isURL(name) {
		extends = resolveURL(name, extends)
	}
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

// resolveURL resolves ref against the URL base; a ref that does not parse
// is left as it is.
func resolveURL(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(u).String()
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
