package specs

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// PluginsMarkdown renders the docs page of the plug-ins: the auth methods
// and paging styles of plugins, each with its keys, and the keys every
// paging style shares. docs/plugins.md holds it for the built-in ones.
func PluginsMarkdown(plugins *Plugins) string {
	var b strings.Builder
	b.WriteString(`# Auth methods and paging styles

<!-- Generated from the plug-ins' config structs; do not edit. Regenerate
with: go test ./specs -run TestPluginsDoc -update -->

An auth method and a paging style are chosen by the ` + "`type`" + ` key of
` + "`auth`" + ` and ` + "`pagination`" + `; the other keys of the object configure the
one chosen. An unknown type is the finding ` + "`unknown-type`" + `, a key the chosen
one does not have is ` + "`unknown-key`" + `.

## Auth methods

`)
	b.WriteString(PluginTable(plugins, PluginAuth))
	b.WriteString("\n## Paging styles\n\n")
	b.WriteString(PluginTable(plugins, PluginPagination))
	b.WriteString("\nEvery paging style also takes these keys:\n\n")
	b.WriteString(KeysTable(reflect.TypeFor[Pagination](), "type"))
	b.WriteString("\n`stop` holds:\n\n")
	b.WriteString(KeysTable(reflect.TypeFor[StopRules]()))
	return b.String()
}

// KeysTable renders the keys of struct type t, but skip, as a Markdown
// table: each JSON key with its default, allowed values and the `doc`
// tag that describes it.
func KeysTable(t reflect.Type, skip ...string) string {
	var b strings.Builder
	b.WriteString("| key | meaning |\n| --- | --- |\n")
	for _, f := range structFields(t) {
		if !slices.Contains(skip, f.name) {
			fmt.Fprintf(&b, "| %s |\n", strings.Replace(keyText(f), ": ", " | ", 1))
		}
	}
	return b.String()
}

// PluginTable renders the plug-ins of kind as a Markdown table for the
// docs: each type, what it does, and its keys with their defaults,
// allowed values and descriptions, from the config structs' tags.
func PluginTable(plugins *Plugins, kind PluginKind) string {
	var b strings.Builder
	b.WriteString("| type | what it does | keys |\n| --- | --- | --- |\n")
	for _, name := range plugins.Names(kind) {
		p, _ := plugins.Lookup(kind, name)
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, p.Doc, keysCell(structFields(p.configType())))
	}
	return b.String()
}

// keysCell describes fields in one table cell.
func keysCell(fields []fieldInfo) string {
	if len(fields) == 0 {
		return "none"
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = keyText(f)
	}
	return strings.Join(parts, "<br>")
}

// keyText describes one key: name, required or default, allowed values,
// and its doc.
func keyText(f fieldInfo) string {
	var notes []string
	if f.required {
		notes = append(notes, "required")
	}
	if f.def != "" {
		notes = append(notes, fmt.Sprintf("default `%s`", f.def))
	}
	if len(f.enum) > 0 {
		notes = append(notes, "`"+strings.Join(f.enum, "`, `")+"`")
	}
	text := "`" + f.name + "`"
	if len(notes) > 0 {
		text += " (" + strings.Join(notes, "; ") + ")"
	}
	return text + ": " + strings.ReplaceAll(f.doc, "|", `\|`)
}
