package specs

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// overlayAction is one decoded action of an OpenAPI Overlay.
type overlayAction struct {
	pointer string // of the action in the overlay: /actions/0
	text    string // the target as written
	target  jsonPath
	update  *yaml.Node // nil when the action has none
	remove  bool
}

// overlayVersion matches the Overlay versions this loader applies.
var overlayVersion = regexp.MustCompile(`^1\.0\.\d+$`)

// overlayKeys and actionKeys are the fixed fields of the Overlay object
// (with "$schema", which editors read) and of an Action object; x-
// extensions are allowed besides.
var (
	overlayKeys = []string{"overlay", "info", "extends", "actions", SchemaKey}
	actionKeys  = []string{"target", "description", "update", "remove"}
)

// decodeOverlayActions checks the Overlay object of ov and returns its
// actions; problems are overlay-invalid errors at their pointer.
func decodeOverlayActions(ov *source, r *report) []overlayAction {
	if v := memberNode(ov.root, "overlay"); v.Kind != yaml.ScalarNode || !overlayVersion.MatchString(v.Value) {
		r.errorHint(CodeOverlayInvalid, "/overlay", `write "overlay: 1.0.0"`, "overlay version %q is not supported; 1.0.x is", v.Value)
	}
	unknownKeys(ov.root, "", overlayKeys, r)
	list := memberNode(ov.root, "actions")
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		r.errorHint(CodeOverlayInvalid, pointerIf(list, "/actions"), `add "actions", a list of {target, update} or {target, remove: true}`,
			"an overlay needs a non-empty list of actions")
		return nil
	}
	var out []overlayAction
	for i, n := range list.Content {
		if a, ok := decodeAction(n, fmt.Sprintf("/actions/%d", i), r); ok {
			out = append(out, a)
		}
	}
	return out
}

// decodeAction checks one Action object at p.
func decodeAction(n *yaml.Node, p string, r *report) (overlayAction, bool) {
	a := overlayAction{pointer: p}
	if n.Kind != yaml.MappingNode {
		r.errorf(CodeOverlayInvalid, p, "an action is an object with target and update or remove")
		return a, false
	}
	before := len(r.findings)
	unknownKeys(n, p, actionKeys, r)
	a.update = memberNode(n, "update")
	if rm := memberNode(n, "remove"); rm != nil {
		if rm.ShortTag() != "!!bool" {
			r.errorf(CodeOverlayInvalid, p+"/remove", "remove is true or false, not %q", rm.Value)
		}
		a.remove = rm.Value == "true"
	}
	if a.remove == (a.update != nil) {
		r.errorHint(CodeOverlayInvalid, p, "give the action either an update or remove: true", "an action either updates or removes its target")
	}
	t := memberNode(n, "target")
	if t == nil || t.Kind != yaml.ScalarNode {
		r.errorHint(CodeOverlayInvalid, pointerIf(t, p+"/target"), `add a JSONPath "target", such as "$" or "$.paths['/users'].get"`, "an action needs a target")
		return a, false
	}
	a.text = t.Value
	var err error
	if a.target, err = parseJSONPath(t.Value); err != nil {
		r.errorHint(CodeOverlayInvalid, p+"/target", "write a JSONPath query (RFC 9535), such as \"$.paths['/users'].get\"", "target %q is not a JSONPath query specsync understands: %v", t.Value, err)
	}
	return a, len(r.findings) == before
}

// unknownKeys reports the members of n that are neither known nor x-
// extensions.
func unknownKeys(n *yaml.Node, p string, known []string, r *report) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !slices.Contains(known, k) && !strings.HasPrefix(k, "x-") {
			r.errorHint(CodeOverlayInvalid, jsonptr.Join(p, k), withSuggestion(k, known, "remove it, or start its name with x-"), "unknown key %q", k)
		}
	}
}

// applyActions applies the actions in order to the document under root.
// A target that selects nothing is a warning; an update that does not fit
// its target is an error.
func applyActions(m *merger, actions []overlayAction, root *yaml.Node, r *report) {
	for _, a := range actions {
		matches := a.target.selectFrom(root)
		if len(matches) == 0 {
			r.warnHint(CodeOverlayTargetUnmatched, a.pointer+"/target", "check the target against the extended document; the action changed nothing",
				"target %q selects nothing in the extended document", a.text)
			continue
		}
		if a.remove {
			for _, t := range slices.Backward(matches) {
				removeTarget(m, t, a, r)
			}
			continue
		}
		for _, t := range matches {
			updateTarget(m, t, a.update, a.pointer+"/update", r)
		}
	}
}

// removeTarget removes one selected node.
func removeTarget(m *merger, t pathMatch, a overlayAction, r *report) {
	if t.parent == nil {
		r.errorf(CodeOverlayInvalid, a.pointer+"/target", "the whole document cannot be removed")
		return
	}
	m.remove(t.parent, t.at, t.pointer)
}

// updateTarget applies an update (at src in the overlay) to one selected
// node: an object is merged into an object, an array's items (or any
// other value) are appended to an array, and a single value replaces a
// single value.
func updateTarget(m *merger, t pathMatch, update *yaml.Node, src string, r *report) {
	switch {
	case t.node.Kind == yaml.MappingNode && update.Kind == yaml.MappingNode:
		m.mergeObject(t.node, update, t.pointer, src)
	case t.node.Kind == yaml.MappingNode:
		r.errorf(CodeOverlayInvalid, src, "the target %s is an object, so the update must be an object", t.pointer)
	case t.node.Kind == yaml.SequenceNode && update.Kind == yaml.SequenceNode:
		for i, item := range update.Content {
			m.appendItem(t.node, item, t.pointer, fmt.Sprintf("%s/%d", src, i))
		}
	case t.node.Kind == yaml.SequenceNode:
		m.appendItem(t.node, update, t.pointer, src)
	case t.parent == nil:
		r.errorf(CodeOverlayInvalid, src, "the document's root must be an object")
	case update.Kind != yaml.ScalarNode:
		r.errorf(CodeOverlayInvalid, src, "the target %s is a single value, so the update must be one too", t.pointer)
	default:
		m.replace(t.parent, t.at, update, t.pointer, src)
	}
}
