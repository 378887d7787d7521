package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestTroubleshootingCoversEveryCode fails when docs/troubleshooting.md
// lacks a row with a cause and a fix for a finding code of
// specs/finding_codes.go or a failure code of the FailureCode list, or
// holds a row for a code that does not exist.
func TestTroubleshootingCoversEveryCode(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{} // code -> cause and fix
	for line := range strings.Lines(string(data)) {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), " | ")
		if len(cells) == 3 && strings.HasPrefix(cells[0], " `") {
			rows[strings.Trim(strings.TrimSpace(cells[0]), "`")] = cells[1:]
		}
	}
	codes := findingCodes(t)
	for _, g := range failureCodeGroups(t) {
		for _, c := range g.codes {
			codes = append(codes, c.code)
		}
	}
	known := map[string]bool{}
	for _, code := range codes {
		known[code] = true
		cells, ok := rows[code]
		switch {
		case !ok:
			t.Errorf("docs/troubleshooting.md has no row for code %q: add one with its cause and fix", code)
		case strings.TrimSpace(cells[0]) == "" || strings.TrimSpace(cells[1]) == "":
			t.Errorf("docs/troubleshooting.md: the row of %q lacks a cause or a fix", code)
		}
	}
	for code := range rows {
		if !known[code] {
			t.Errorf("docs/troubleshooting.md has a row for %q, which is no finding or failure code", code)
		}
	}
}

// findingCodes reads the values of the constants in specs/finding_codes.go.
func findingCodes(t *testing.T) []string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "../specs/finding_codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(file, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for _, v := range vs.Values {
			if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, s)
			}
		}
		return false
	})
	if len(out) < 40 {
		t.Fatalf("found only %d finding codes in specs/finding_codes.go", len(out))
	}
	return out
}
