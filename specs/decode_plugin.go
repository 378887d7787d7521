package specs

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// pluginHolders are the x-sync types that hold a plug-in chosen by type.
var pluginHolders = map[reflect.Type]PluginKind{
	reflect.TypeFor[Auth]():       PluginAuth,
	reflect.TypeFor[Pagination](): PluginPagination,
}

// plugin checks an object that chooses a plug-in of kind by its type key:
// the shared keys of t (type, stop, maxPages) are checked here, the other
// keys are kept as they are for the plug-in's own decoding (see
// checkPlugin). An object without type, written in the shape of one key
// per plug-in, is reported with the same object in the type shape.
func (d *strictDecoder) plugin(n *yaml.Node, t reflect.Type, kind PluginKind, p string) (any, bool) {
	if !d.expectKind(n, yaml.MappingNode, p, "an object") {
		return nil, false
	}
	if memberNode(n, "type") == nil && !d.missingType(n, t, kind, p) {
		return nil, false
	}
	fields := structFields(t)
	out := map[string]any{}
	for _, kv := range d.members(n, p) {
		at := jsonptr.Join(p, kv.key)
		var v any
		var ok bool
		if f := fieldByName(fields, kv.key); f != nil {
			v, ok = d.field(kv.value, f, at)
		} else {
			v, ok = d.freeChild(kv.value, at)
		}
		if ok {
			out[kv.key] = v
		}
	}
	return out, true
}

// missingType reports an object without type: in the old shape, where one
// key named the plug-in and held its config, the hint rewrites it and the
// object is dropped; otherwise its other keys are still checked (keep).
func (d *strictDecoder) missingType(n *yaml.Node, t reflect.Type, kind PluginKind, p string) (keep bool) {
	shared := fieldNames(structFields(t))
	for _, kv := range d.members(n, p) {
		if kv.value.Kind == yaml.MappingNode && !slices.Contains(shared, kv.key) {
			d.r.errorHint(CodeOldPluginShape, p, "write "+d.typeShape(n, kind, kv.key, shared, p),
				"%s names its %s by a key; the %s is chosen by \"type\" now", kind, kind.noun(), kind.noun())
			return false
		}
	}
	d.r.errorHint(CodeMissingKey, jsonptr.Join(p, "type"), fmt.Sprintf("add \"type\" naming the %s", kind.noun()),
		"missing required key %q", "type")
	return true
}

// typeShape renders object n, whose key name held the plug-in's config,
// with type set to name and the config's keys beside it. Another old
// config beside it stays as it is. Literal secrets are not repeated: see
// secretMask.
func (d *strictDecoder) typeShape(n *yaml.Node, kind PluginKind, name string, shared []string, p string) string {
	parts := []string{fmt.Sprintf("%q: %q", "type", name)}
	for _, kv := range d.members(n, p) {
		switch {
		case kv.key == name:
			parts = append(parts, d.configMembers(kv.value, kind, name, p)...)
		case slices.Contains(shared, kv.key) || kv.value.Kind != yaml.MappingNode:
			parts = append(parts, d.jsonMember(kv.key, kv.value, p))
		default:
			parts = append(parts, fmt.Sprintf("%q: {%s}", kv.key, strings.Join(d.configMembers(kv.value, kind, kv.key, p), ", ")))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// configMembers renders the members of the old config n of plug-in name,
// its literal secrets masked.
func (d *strictDecoder) configMembers(n *yaml.Node, kind PluginKind, name, p string) []string {
	mask := d.secretMask(kind, name)
	var parts []string
	for _, kv := range d.members(n, p) {
		parts = append(parts, fmt.Sprintf("%q: %s", kv.key, d.maskedJSON(kv.value, mask(kv.key), p)))
	}
	return parts
}

// secretDepth says where, below a config key, strings are secrets.
type secretDepth int

const (
	noSecret     secretDepth = iota
	secretValue              // the value itself is a credential
	secretValues             // the values of its object are credentials
	unknownDepth             // anywhere: nothing is known of the plug-in
)

// child is the depth of the values of an object at depth s.
func (s secretDepth) child() secretDepth {
	if s == secretValues {
		return secretValue
	}
	return s
}

// secretMask returns, for each config key of plug-in name, where its
// literal secrets are. Without a description of the plug-in every string
// may be one.
func (d *strictDecoder) secretMask(kind PluginKind, name string) func(key string) secretDepth {
	pl, ok := d.plugins.Lookup(kind, name)
	if !ok {
		return func(string) secretDepth { return unknownDepth }
	}
	fields := structFields(pl.configType())
	return func(key string) secretDepth {
		f := fieldByName(fields, key)
		switch {
		case f == nil:
			return noSecret
		case f.typ == credentialType:
			return secretValue
		case f.typ.Kind() == reflect.Map && f.typ.Elem() == credentialType:
			return secretValues
		}
		return noSecret
	}
}

// maskedJSON renders n as nodeJSON does, with the strings that may be
// literal secrets replaced: by a reference where a credential belongs, by
// "..." where nothing is known.
func (d *strictDecoder) maskedJSON(n *yaml.Node, depth secretDepth, p string) string {
	switch {
	case depth == noSecret:
		return d.nodeJSON(n, p)
	case n.Kind == yaml.ScalarNode && depth == secretValue:
		return `{"env": "VARIABLE"}`
	case n.Kind == yaml.ScalarNode && depth == unknownDepth:
		return `"..."`
	case n.Kind != yaml.MappingNode || depth == secretValue:
		return d.nodeJSON(n, p)
	}
	var parts []string
	for _, kv := range d.members(n, p) {
		parts = append(parts, fmt.Sprintf("%q: %s", kv.key, d.maskedJSON(kv.value, depth.child(), p)))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// jsonMember renders one member as `"key": value` in JSON, keeping the
// document's key order.
func (d *strictDecoder) jsonMember(key string, n *yaml.Node, p string) string {
	return fmt.Sprintf("%q: %s", key, d.nodeJSON(n, p))
}

// nodeJSON renders n as one line of JSON in the document's key order.
func (d *strictDecoder) nodeJSON(n *yaml.Node, p string) string {
	var parts []string
	switch n.Kind {
	case yaml.MappingNode:
		for _, kv := range d.members(n, p) {
			parts = append(parts, d.jsonMember(kv.key, kv.value, p))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case yaml.SequenceNode:
		for _, item := range n.Content {
			parts = append(parts, d.nodeJSON(item, p))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.AliasNode:
		return d.nodeJSON(n.Alias, p)
	}
	v, _ := (&strictDecoder{r: &report{source: d.r.source}, budget: maxDecodeNodes}).freeScalar(n, p)
	data, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(data)
}
