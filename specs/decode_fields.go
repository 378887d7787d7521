package specs

import (
	"reflect"
	"strconv"
	"strings"
)

// fieldInfo is what the struct tags of one field say about its key.
type fieldInfo struct {
	name     string // JSON key
	index    int
	typ      reflect.Type
	required bool     // neither omitempty nor omitzero
	enum     []string // allowed values, from `enum:"a,b"`
	choice   string   // one-of group, from `choice:"method"`
	minimum  int64    // smallest number allowed, from `minimum:"1"`; 0 by default
	maximum  string   // largest number allowed, from `maximum:"1"`, for the JSON Schema only
	pattern  string   // regular expression a string matches, from `pattern:"^[a-z]+$"`, for the JSON Schema only
	doc      string
	def      string // default, from `default:"..."`
	example  string
}

// structFields lists the JSON fields of struct type t in declaration order.
func structFields(t reflect.Type) []fieldInfo {
	var out []fieldInfo
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		out = append(out, fieldInfo{
			name: name, index: i, typ: f.Type,
			required: !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero"),
			enum:     splitTag(f.Tag.Get("enum")),
			choice:   f.Tag.Get("choice"),
			minimum:  parseMinimum(f.Tag.Get("minimum")),
			maximum:  f.Tag.Get("maximum"),
			pattern:  f.Tag.Get("pattern"),
			doc:      f.Tag.Get("doc"),
			def:      f.Tag.Get("default"),
			example:  f.Tag.Get("example"),
		})
	}
	return out
}

// splitTag splits a comma-separated tag value; "" gives nil.
func splitTag(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// parseMinimum reads a `minimum` tag; absent or unreadable means 0.
func parseMinimum(s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return v
}

// fieldNames returns the JSON keys of fields.
func fieldNames(fields []fieldInfo) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}

// choiceGroups returns, per choice group, the keys that belong to it, in
// declaration order.
func choiceGroups(fields []fieldInfo) map[string][]string {
	groups := map[string][]string{}
	for _, f := range fields {
		if f.choice != "" {
			groups[f.choice] = append(groups[f.choice], f.name)
		}
	}
	return groups
}
