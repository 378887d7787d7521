package specs

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// maxDecodeNodes bounds the values one strict decode visits, so that YAML
// aliases cannot make a small file expand without end.
const maxDecodeNodes = 1 << 20

var (
	durationType   = reflect.TypeFor[Duration]()
	credentialType = reflect.TypeFor[Credential]()
	mappingType    = reflect.TypeFor[Mapping]()
	enumType       = reflect.TypeFor[Enum]()
	stringType     = reflect.TypeFor[string]()
	timeFormatType = reflect.TypeFor[TimeFormat]()
)

// strictDecoder walks a parsed value against a Go type, reports every
// unknown key, wrong type, bad enum value, bad duration or time format, missing key,
// literal secret and bad choice, and keeps only the parts that are right
// so that encoding/json can decode them without error.
type strictDecoder struct {
	r      *report
	budget int
	// plugins, when set, tells which keys of an old-shape plug-in object
	// hold credentials, so that its hint masks only those.
	plugins *Plugins
}

// decodeStrict checks n against the type of out (a pointer) and decodes the
// correct parts into out. p is the JSON pointer of n in the file.
func decodeStrict(n *yaml.Node, p string, out any, r *report) {
	decodeStrictWith(n, p, out, r, nil)
}

// decodeStrictWith is decodeStrict with the plug-in descriptions.
func decodeStrictWith(n *yaml.Node, p string, out any, r *report, plugins *Plugins) {
	d := &strictDecoder{r: r, budget: maxDecodeNodes, plugins: plugins}
	clean, ok := d.value(n, reflect.TypeOf(out).Elem(), p)
	if !ok {
		return
	}
	data, err := json.Marshal(clean)
	if err == nil {
		err = json.Unmarshal(data, out)
	}
	if err != nil {
		r.errorf(CodeInvalidValue, p, "cannot decode: %v", err)
	}
}

// value checks n against t and returns its cleaned JSON value; ok is false
// when nothing of n can be kept.
func (d *strictDecoder) value(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	n, ok := d.visit(n, p)
	if !ok {
		return nil, false
	}
	if isNull(n) {
		d.r.errorHint(CodeInvalidType, p, "remove the key to leave it unset", "expected %s, found null", describeType(t))
		return nil, false
	}
	switch {
	case t == durationType:
		return d.duration(n, p)
	case t == credentialType:
		return d.credential(n, t, p)
	case t == mappingType:
		return d.mapping(n, p)
	case t == timeFormatType:
		return d.timeFormat(n, p)
	case pluginHolders[t] != "":
		return d.plugin(n, t, pluginHolders[t], p)
	case t.Kind() == reflect.String && t.Implements(enumType):
		return d.enum(n, reflect.Zero(t).Interface().(Enum), p)
	}
	return d.byKind(n, t, p)
}

// byKind dispatches on the kind of t.
func (d *strictDecoder) byKind(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	switch t.Kind() {
	case reflect.Pointer:
		return d.value(n, t.Elem(), p)
	case reflect.Struct:
		return d.object(n, t, p)
	case reflect.Map:
		return d.dict(n, t, p)
	case reflect.Slice:
		return d.list(n, t, p)
	case reflect.String:
		return d.str(n, p)
	case reflect.Int, reflect.Int64, reflect.Int32:
		return d.integer(n, p, 0)
	case reflect.Bool:
		return d.boolean(n, p)
	case reflect.Float64:
		return d.number(n, p)
	}
	d.r.errorf(CodeInvalidType, p, "values of Go type %s are not supported", t)
	return nil, false
}

// visit resolves aliases and spends one unit of the node budget.
func (d *strictDecoder) visit(n *yaml.Node, p string) (*yaml.Node, bool) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	d.budget--
	if d.budget == 0 {
		d.r.errorHint(CodeInvalidValue, p, "expand fewer YAML aliases", "the document is too large to check (more than %d values)", maxDecodeNodes)
	}
	return n, d.budget > 0
}

// object checks a mapping against struct type t.
func (d *strictDecoder) object(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if !d.expectKind(n, yaml.MappingNode, p, "an object") {
		return nil, false
	}
	fields := structFields(t)
	out := map[string]any{}
	for _, kv := range d.members(n, p) {
		f := fieldByName(fields, kv.key)
		if f == nil {
			d.unknownKey(kv.key, fieldNames(fields), jsonptr.Join(p, kv.key))
			continue
		}
		if v, ok := d.field(kv.value, f, jsonptr.Join(p, kv.key)); ok {
			out[kv.key] = v
		}
	}
	d.checkRequired(n, fields, p)
	d.checkChoices(n, fields, p)
	return out, true
}

// field checks the value of one struct field, with its enum and minimum.
func (d *strictDecoder) field(n *yaml.Node, f *fieldInfo, p string) (any, bool) {
	if isIntType(f.typ) {
		if n, ok := d.visit(n, p); ok {
			return d.integer(n, p, f.minimum)
		}
		return nil, false
	}
	t := f.typ
	if len(f.enum) > 0 && t.Kind() == reflect.String {
		t = stringType // the field's enum is checked here, with its name
	}
	v, ok := d.value(n, t, p)
	if s, isStr := v.(string); ok && isStr && len(f.enum) > 0 && !slices.Contains(f.enum, s) {
		d.r.errorHint(CodeInvalidValue, p, enumHint(s, f.enum), "%q is not a valid %s", s, f.name)
		return nil, false
	}
	return v, ok
}

// enum checks that n is one of the values of e.
func (d *strictDecoder) enum(n *yaml.Node, e Enum, p string) (any, bool) {
	v, ok := d.str(n, p)
	if s, isStr := v.(string); ok && isStr && !slices.Contains(e.Values(), s) {
		d.r.errorHint(CodeInvalidValue, p, enumHint(s, e.Values()), "unknown %s %q", e.What(), s)
		return nil, false
	}
	return v, ok
}

// enumHint lists the allowed values, closest first.
func enumHint(s string, allowed []string) string {
	return withSuggestion(s, allowed, "allowed: "+strings.Join(allowed, ", "))
}

// unknownKey reports key as unknown with a did-you-mean hint.
func (d *strictDecoder) unknownKey(key string, allowed []string, p string) {
	d.r.errorHint(CodeUnknownKey, p, didYouMean(key, allowed, "keys allowed here"), "unknown key %q", key)
}

// checkRequired reports the required fields n does not have.
func (d *strictDecoder) checkRequired(n *yaml.Node, fields []fieldInfo, p string) {
	for _, f := range fields {
		if f.required && memberNode(n, f.name) == nil {
			d.r.errorHint(CodeMissingKey, jsonptr.Join(p, f.name), missingHint(f), "missing required key %q", f.name)
		}
	}
}

// missingHint tells what a missing field is for.
func missingHint(f fieldInfo) string {
	hint := fmt.Sprintf("add %q", f.name)
	if f.doc != "" {
		doc := strings.TrimSuffix(f.doc, ".")
		if r, n := utf8.DecodeRuneInString(doc); unicode.IsUpper(r) && !unicode.IsUpper(rune(doc[min(n, len(doc)-1)])) {
			doc = string(unicode.ToLower(r)) + doc[n:] // a sentence's first word, not an acronym
		}
		hint += " (" + doc + ")"
	}
	if f.example != "" {
		hint += fmt.Sprintf(", such as %q", f.example)
	}
	return hint
}

// checkChoices reports choice groups with none or several options set.
func (d *strictDecoder) checkChoices(n *yaml.Node, fields []fieldInfo, p string) {
	for group, names := range sortedGroups(choiceGroups(fields)) {
		var set []string
		for _, name := range names {
			if v := memberNode(n, name); v != nil && !isNull(v) {
				set = append(set, name)
			}
		}
		d.reportChoice(group, names, set, p)
	}
}

// reportChoice reports a choice group that is empty or ambiguous.
func (d *strictDecoder) reportChoice(group string, names, set []string, p string) {
	hint := "set exactly one of: " + strings.Join(names, ", ")
	switch {
	case len(set) == 0:
		d.r.errorHint(CodeEmptyChoice, p, hint, "no %s is set", group)
	case len(set) > 1:
		d.r.errorHint(CodeAmbiguousChoice, p, hint, "several %ss are set: %s", group, strings.Join(set, ", "))
	}
}

// dict checks a mapping whose values all have the map's element type.
func (d *strictDecoder) dict(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if !d.expectKind(n, yaml.MappingNode, p, "an object") {
		return nil, false
	}
	out := map[string]any{}
	for _, kv := range d.members(n, p) {
		if v, ok := d.value(kv.value, t.Elem(), jsonptr.Join(p, kv.key)); ok {
			out[kv.key] = v
		}
	}
	return out, true
}

// list checks a sequence whose items all have the slice's element type.
func (d *strictDecoder) list(n *yaml.Node, t reflect.Type, p string) (any, bool) {
	if !d.expectKind(n, yaml.SequenceNode, p, "an array") {
		return nil, false
	}
	out := make([]any, 0, len(n.Content))
	for i, item := range n.Content {
		if v, ok := d.value(item, t.Elem(), jsonptr.Join(p, fmt.Sprint(i))); ok {
			out = append(out, v)
		}
	}
	return out, true
}

// expectKind reports an invalid-type finding unless n has kind k.
func (d *strictDecoder) expectKind(n *yaml.Node, k yaml.Kind, p, want string) bool {
	if n.Kind == k {
		return true
	}
	d.r.errorf(CodeInvalidType, p, "expected %s, found %s", want, describeNode(n))
	return false
}

// fieldByName returns the field with JSON key name, or nil.
func fieldByName(fields []fieldInfo, name string) *fieldInfo {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	return nil
}

// describeType names the JSON type Go type t decodes from.
func describeType(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration string"
	case t.Kind() == reflect.Pointer:
		return describeType(t.Elem())
	case t.Kind() == reflect.Struct || t.Kind() == reflect.Map:
		return "an object"
	case t.Kind() == reflect.Slice:
		return "an array"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Float64:
		return "a number"
	}
	return "a whole number"
}

// isIntType reports whether t is an integer type other than Duration.
func isIntType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return t != durationType
	}
	return false
}
