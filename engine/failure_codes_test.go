package engine

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/transforms"
)

// failureCodeFuncs names the code pattern each FailureCode constructor
// gives, for the docs table.
var failureCodeFuncs = map[string]string{"HTTPFailure": "http-NNN"}

// documentedCode is one row of docs/failure-codes.md: a code (or a
// pattern of codes) with when it is given and what to do.
type documentedCode struct {
	code, when, action string
}

// codeGroup is a group of codes under the doc comment of its declaration.
type codeGroup struct {
	title string
	codes []documentedCode
}

// TestFailureCodesDoc fails when docs/failure-codes.md differs from the
// doc comments of the FailureCode list; -update rewrites it.
func TestFailureCodesDoc(t *testing.T) {
	t.Parallel()
	golden.Check(t, "../docs/failure-codes.md", []byte(failureCodesMarkdown(t, failureCodeGroups(t))))
}

// TestFailCodeListed checks that every code failCode gives is in the list.
func TestFailCodeListed(t *testing.T) {
	t.Parallel()
	listed := map[FailureCode]bool{}
	for _, g := range failureCodeGroups(t) {
		for _, c := range g.codes {
			listed[FailureCode(c.code)] = true
		}
	}
	httpCode := regexp.MustCompile(`^http-[1-5][0-9][0-9]$`)
	cases := []struct {
		err  error
		want FailureCode
	}{
		{fmt.Errorf("create: %w", connectors.ErrMaybeWritten), CodeMaybeWritten},
		{&connectors.HTTPError{Status: 422}, "http-422"},
		{fmt.Errorf("write: %w", &connectors.HTTPError{Status: 503}), "http-503"},
		{&connectors.GraphQLError{}, CodeGraphQL},
		{&connectors.ValidationError{}, CodeValidation},
		{&transforms.RecordError{}, CodeMapping},
		{&transforms.RecordError{Fields: []transforms.FieldError{{Err: &transforms.LimitError{Limit: "time"}}}}, CodeTemplateLimit},
		{&connectors.PagingError{Err: errors.New("no next page")}, CodePaging},
		{context.DeadlineExceeded, CodeTransient},
		{errors.New("something else"), CodeError},
	}
	for _, c := range cases {
		got := failCode(c.err)
		if got != c.want {
			t.Errorf("failCode(%v) = %q, want %q", c.err, got, c.want)
		}
		if !listed[got] && !(listed["http-NNN"] && httpCode.MatchString(string(got))) {
			t.Errorf("failCode(%v) = %q is not in the FailureCode list", c.err, got)
		}
	}
	for _, c := range []FailureCode{CodeMissingKey, CodeMapping, CodeTemplateLimit, CodeInclude, CodeMissingReference, CodeMatch, CodeAmbiguousMatch, CodeAborted} {
		if !listed[c] {
			t.Errorf("%q is not in the FailureCode list", c)
		}
	}
}

// failureCodeGroups reads the FailureCode list, with its doc comments,
// from failure_codes.go.
func failureCodeGroups(t *testing.T) []codeGroup {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "failure_codes.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := doc.NewFromFiles(fset, []*ast.File{file}, "github.com/specsync/specsync/engine")
	if err != nil {
		t.Fatal(err)
	}
	var groups []codeGroup
	for _, typ := range pkg.Types {
		if typ.Name != "FailureCode" {
			continue
		}
		for _, v := range typ.Consts {
			groups = append(groups, codeGroup{title: oneLine(v.Doc), codes: constCodes(t, v.Decl)})
		}
		for _, fn := range typ.Funcs {
			pattern, ok := failureCodeFuncs[fn.Name]
			if !ok || len(groups) == 0 {
				t.Fatalf("%s: add the code pattern it gives to failureCodeFuncs", fn.Name)
			}
			last := &groups[len(groups)-1]
			last.codes = append(last.codes, documentedCode{pattern, "", ""})
			splitCodeDoc(t, fn.Name, fn.Doc, &last.codes[len(last.codes)-1])
		}
	}
	if len(groups) == 0 {
		t.Fatal("failure_codes.go declares no FailureCode constants")
	}
	return groups
}

// constCodes is the codes of one const declaration.
func constCodes(t *testing.T, decl *ast.GenDecl) []documentedCode {
	t.Helper()
	var codes []documentedCode
	for _, spec := range decl.Specs {
		vs := spec.(*ast.ValueSpec)
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || len(vs.Names) != 1 {
			t.Fatalf("%s: a FailureCode constant is one name and a string literal", vs.Names[0].Name)
		}
		code, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		c := documentedCode{code: code}
		splitCodeDoc(t, vs.Names[0].Name, vs.Doc.Text(), &c)
		codes = append(codes, c)
	}
	return codes
}

// splitCodeDoc fills when and action from the doc comment of name: its
// first paragraph says when the code is given, its second what to do.
func splitCodeDoc(t *testing.T, name, text string, c *documentedCode) {
	t.Helper()
	when, action, ok := strings.Cut(strings.TrimSpace(text), "\n\n")
	_, when, given := strings.Cut(when, "given when ")
	if !ok || !given || strings.Contains(action, "\n\n") {
		t.Fatalf("%s: its doc comment must be two paragraphs, the first saying \"given when\", the second what to do", name)
	}
	c.when, c.action = oneLine(when), oneLine(action)
}

// oneLine joins the lines of a doc comment paragraph.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// failureCodesMarkdown renders docs/failure-codes.md.
func failureCodesMarkdown(t *testing.T, groups []codeGroup) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`# Failure codes

<!-- Generated from the FailureCode list in engine/failure_codes.go; do not
edit. Regenerate with: go test ./engine -run TestFailureCodesDoc -update -->

A record that fails gets one of these codes: in the failure ledger (with a
message), as the first word of its audit entry and of its line in a plan.
The codes are stable; match on them, not on the messages.
`)
	for _, g := range groups {
		title := strings.TrimSuffix(strings.TrimPrefix(g.title, "Codes of "), ".")
		fmt.Fprintf(&b, "\n## %s%s\n\n", strings.ToUpper(title[:1]), title[1:])
		b.WriteString("| code | given when | what to do |\n| --- | --- | --- |\n")
		for _, c := range g.codes {
			if strings.Contains(c.when+c.action, "|") {
				t.Fatalf("%s: a doc comment of a failure code holds a |", c.code)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.code, c.when, c.action)
		}
	}
	return b.String()
}
