package instance

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/specs"
)

// referencePath is the instance file reference generated from the types.
const referencePath = "../../docs/instance-reference.md"

// TestInstanceReferenceDoc fails when docs/instance-reference.md differs
// from what the types of an instance file and their doc comments and tags
// give, or when a key of the file has no description; -update rewrites
// the page.
func TestInstanceReferenceDoc(t *testing.T) {
	t.Parallel()
	comments := fieldComments(t, ".", "../../specs")
	ref, missing := instanceReference(comments)
	for _, m := range missing {
		t.Errorf("%s has neither a doc tag nor a doc comment: describe it, it is a key of the instance file", m)
	}
	if golden.Update() {
		if err := os.WriteFile(referencePath, []byte(ref), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != ref {
		t.Errorf("docs/instance-reference.md is stale; regenerate it: go test ./engine/instance -run TestInstanceReferenceDoc -update")
	}
}

// TestInstanceReferenceCoversEveryKey checks the reference against the
// decoder: every key of a complete instance file has its row.
func TestInstanceReferenceCoversEveryKey(t *testing.T) {
	t.Parallel()
	ref, _ := instanceReference(fieldComments(t, ".", "../../specs"))
	for _, key := range []string{"id", "organisation", "home", "partner", "model", "source", "permissions", "schedule",
		"enabled", "options", "sourceOfTruth", "fieldSourceOfTruth", "spec", "credentials", "serverVariables", "baseUrl",
		"env", "file", "credential", "cron", "timezone", "deleteGuard", "fullReadEvery", "dedupeWindow"} {
		if !strings.Contains(ref, "| `"+key+"` |") {
			t.Errorf("the reference has no row for %q", key)
		}
	}
}

// referenceDefaults are the defaults of keys whose type carries no
// default tag; a default tag takes precedence.
var referenceDefaults = map[string]string{
	"Schedule.cron":     DefaultCron,
	"Schedule.timezone": DefaultTimezone,
	"Instance.enabled":  "false",
}

// referenceSection is one object of the instance file and where it
// appears.
type referenceSection struct {
	typ   reflect.Type
	title string
	where string
}

// instanceReference renders the reference page: a table per object of
// the file. missing names the fields without a description.
func instanceReference(comments map[string]string) (string, []string) {
	var b strings.Builder
	b.WriteString(`# Instance file reference

<!-- Generated from the Go types of engine/instance (their doc tags, else
their doc comments) by TestInstanceReferenceDoc; do not edit. Regenerate:
go test ./engine/instance -run TestInstanceReferenceDoc -update -->

Every key an instance file may hold, object by object. Keys are
case-sensitive; an unknown key is refused with a "did you mean" hint, and
a required key that is missing is a finding. [Instance files](instances.md)
explains how the keys work together.

`)
	sections := []referenceSection{
		{reflect.TypeFor[Instance](), "Instance", "the top level of the file"},
		{reflect.TypeFor[System](), "System", "`home` and `partner`"},
		{reflect.TypeFor[specs.Credential](), "Credential", "each entry of `credentials`: exactly one of its keys"},
		{reflect.TypeFor[Schedule](), "Schedule", "`schedule`"},
		{reflect.TypeFor[Options](), "Options", "`options`"},
	}
	var missing []string
	for _, s := range sections {
		fmt.Fprintf(&b, "## %s\n\nWhere: %s.\n\n| key | type | required | default | description |\n| --- | --- | --- | --- | --- |\n", s.title, s.where)
		for i := range s.typ.NumField() {
			f := s.typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			desc := f.Tag.Get("doc")
			if desc == "" {
				desc = commentText(comments[s.typ.Name()+"."+f.Name], f.Name, name)
			}
			if desc == "" {
				missing = append(missing, s.typ.Name()+"."+f.Name)
			}
			def := f.Tag.Get("default")
			if def == "" {
				def = referenceDefaults[s.typ.Name()+"."+name]
			}
			if def != "" {
				def = "`" + def + "`"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", name, typeText(f), requiredText(f, desc), def, cell(desc))
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n", missing
}

// requiredText says whether a key must be given: "yes" when its doc says
// it is required, "one of" for a choice among keys.
func requiredText(f reflect.StructField, desc string) string {
	switch {
	case f.Tag.Get("choice") != "":
		return "one of"
	case requiredWord.MatchString(desc):
		return "yes"
	}
	return "no"
}

// requiredWord finds the sentence that makes a key required.
var requiredWord = regexp.MustCompile(`(^|[.;] )Required[.;]`)

// typeText names a key's type as an instance file writes it.
func typeText(f reflect.StructField) string {
	text := valueText(f.Type)
	if enum := f.Tag.Get("enum"); enum != "" {
		text += ": `" + strings.ReplaceAll(enum, ",", "`, `") + "`"
	}
	return text
}

// valueText names the type of a value.
func valueText(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[specs.Duration]():
		return "duration (`30m`, `6h`)"
	case reflect.TypeFor[specs.Side]():
		return "`home` or `partner`"
	case reflect.TypeFor[Permissions]():
		return "object: direction (`push`, `pull`) → entity → list of `create`, `update`, `delete`"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return valueText(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int64:
		return "integer"
	case reflect.Float64:
		return "number"
	case reflect.Struct:
		return "object (" + t.Name() + ")"
	case reflect.Map:
		return "object: name → " + valueText(t.Elem())
	case reflect.Slice:
		return "list of " + valueText(t.Elem())
	}
	return t.String()
}

// commentText turns a field's doc comment into a description: its Go
// name at the start becomes the key.
func commentText(c, goName, key string) string {
	c = strings.Join(strings.Fields(c), " ")
	if rest, ok := strings.CutPrefix(c, goName+" "); ok {
		c = "`" + key + "` " + rest
	}
	return c
}

// cell escapes a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// fieldComments reads the doc comments of the struct fields declared in
// the Go files of dirs, by "Type.Field".
func fieldComments(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				ts, ok := n.(*ast.TypeSpec)
				if !ok {
					return true
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					return false
				}
				for _, f := range st.Fields.List {
					for _, id := range f.Names {
						out[ts.Name.Name+"."+id.Name] = f.Doc.Text()
					}
				}
				return false
			})
		}
	}
	return out
}
