package specs

import (
	"fmt"
	"slices"
	"strings"
)

// TemplateVar is a variable that a kind of template can read.
type TemplateVar struct {
	// Name is the variable, or a name the spec chooses in angle brackets:
	// "<model>" is the entity's model entity ("lease"), "<entity>" the
	// spec entity's own name ("tenant"), "<include>" each name of the
	// entity's include ("unit").
	Name string
	// Meaning says what it holds.
	Meaning string
}

// TemplateKind is a kind of template, by where it stands in x-sync, with
// the variables the engine renders it with.
type TemplateKind struct {
	// Kind names the kind in findings ("write", "get params").
	Kind string
	// Where lists the x-sync keys whose templates are of this kind.
	Where string
	// Vars are the variables; none means the template can hold only
	// constants.
	Vars []TemplateVar
}

// The variables of templates, by name.
var (
	varModel   = TemplateVar{"<model>", "the model record"}
	varRecord  = TemplateVar{"record", "the same record as the entity name beside it"}
	varInclude = TemplateVar{"<include>", "the related model record that include names"}
	varIDs     = TemplateVar{"ids", "ids.<include>: the target system's id of that related record (the partner's on push, the home key on pull)"}
	varInst    = TemplateVar{"instance", "instance.id, instance.organisation, instance.source of the running instance"}
	varKey     = TemplateVar{"key", "the record's home key"}
	varID      = TemplateVar{"id", "the target system's id of the record, once it has one"}
	varObject  = TemplateVar{"<entity>", "the API object"}
	varEvent   = TemplateVar{"event", "the delivered payload"}
)

// instanceFields are the members of the instance variable.
var instanceFields = []string{"id", "organisation", "source"}

// templateKinds are the kinds of templates, as the engine renders them
// (engine/vars.go).
var templateKinds = []TemplateKind{
	{"write", "`write`, `when`", []TemplateVar{varModel, varRecord, varInclude, varIDs, varInst}},
	{"include", "`include`", []TemplateVar{varModel, varRecord, varInst}},
	{"read", "`read`, `compare`, `match.key`", []TemplateVar{varObject, {"record", "the same API object"}, varInst}},
	{"match home", "`match.home`", []TemplateVar{varModel, varRecord, varInst}},
	{"write params", "`params`, `variables` of `create`, `update`, `upsert`, `lookup`", []TemplateVar{varModel, varRecord, varInclude, varIDs, varInst, varKey, varID}},
	{"delete params", "`params`, `variables` of `delete`, `erase`", []TemplateVar{varInst, varKey, varID}},
	{"get params", "`params`, `variables` of `get`", []TemplateVar{varInst, varKey, {"id", "the id of the record to read (the home key when an included record is read)"}}},
	{"list params", "`params`, `variables` of `list`", []TemplateVar{varInst}},
	{"webhook key", "webhook `events.*.key`", []TemplateVar{varEvent}},
}

// TemplateKinds returns the kinds of templates and the variables of each.
func TemplateKinds() []TemplateKind {
	return slices.Clone(templateKinds)
}

// templateKind returns the kind named kind.
func templateKind(kind string) TemplateKind {
	i := slices.IndexFunc(templateKinds, func(k TemplateKind) bool { return k.Kind == kind })
	return templateKinds[i]
}

// paramsKind returns the kind of the params of an entity's operation.
func paramsKind(slot string) string {
	switch slot {
	case "list", "get":
		return slot + " params"
	case "delete", "erase":
		return "delete params"
	}
	return "write params"
}

// varNames returns the variable names of kind for entity name, the
// placeholders replaced.
func varNames(kind TemplateKind, name string, e *Entity) []string {
	var out []string
	for _, v := range kind.Vars {
		switch v.Name {
		case "<model>":
			out = append(out, e.Model)
		case "<entity>":
			out = append(out, name)
		case "<include>":
			for inc := range e.Include {
				out = append(out, inc)
			}
		default:
			out = append(out, v.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(slices.DeleteFunc(out, func(s string) bool { return s == "" }))
}

// TemplateVarsMarkdown renders the kinds and their variables as the table
// of docs/spec-language.md.
func TemplateVarsMarkdown() string {
	var b strings.Builder
	b.WriteString("| kind | templates | variable | meaning |\n| --- | --- | --- | --- |\n")
	for _, k := range templateKinds {
		if len(k.Vars) == 0 {
			fmt.Fprintf(&b, "| %s | %s | none | constants only: the engine renders them without variables |\n", k.Kind, k.Where)
		}
		for i, v := range k.Vars {
			kind, where := k.Kind, k.Where
			if i > 0 {
				kind, where = "", ""
			}
			fmt.Fprintf(&b, "| %s | %s | `%s` | %s |\n", kind, where, v.Name, v.Meaning)
		}
	}
	return b.String()
}
