package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// exitCodesDoc is the one table of exit codes.
const exitCodesDoc = "../../docs/exit-codes.md"

// TestExitCodesDoc: the table in docs/exit-codes.md has a row for every
// command and only for commands that exist; every code a command's help
// names under "Exit status" is in its row; the README and the root help
// point to the table.
func TestExitCodesDoc(t *testing.T) {
	data, err := os.ReadFile(exitCodesDoc)
	if err != nil {
		t.Fatal(err)
	}
	rows := exitCodeRows(string(data))
	root := newRootCmd()
	root.InitDefaultCompletionCmd()
	seen := map[string]bool{}
	walk(root, func(c *cobra.Command) {
		if !c.HasParent() || c.Hidden || (c.HasParent() && c.Parent().Name() == "completion") {
			return
		}
		path := c.CommandPath()
		seen[path] = true
		used, ok := rows[path]
		if !ok {
			if !c.HasSubCommands() || c.Name() == "completion" {
				t.Errorf("%s has no row in %s: add one with the codes it exits with", path, exitCodesDoc)
			}
			return
		}
		for _, code := range helpExitCodes(c.Long) {
			if !used[code] {
				t.Errorf("%s: its help names exit status %s, its row in %s does not", path, code, exitCodesDoc)
			}
		}
	})
	for path := range rows {
		if !seen[path] {
			t.Errorf("%s has a row for %s, which is no command", exitCodesDoc, path)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "(docs/exit-codes.md)") || !strings.Contains(root.Long, "docs/exit-codes.md") {
		t.Errorf("the README or specsync --help does not point to %s", exitCodesDoc)
	}
}

// exitCodeRows reads the per-command table: for each command, the codes
// whose cell is not a dash.
func exitCodeRows(doc string) map[string]map[string]bool {
	_, table, _ := strings.Cut(doc, "## Per command")
	rows := map[string]map[string]bool{}
	for line := range strings.Lines(table) {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[0]), "`specsync") {
			continue
		}
		used := map[string]bool{}
		for i, cell := range cells[1:] {
			if strings.TrimSpace(cell) != "-" {
				used[string(rune('0'+i))] = true
			}
		}
		rows[strings.Trim(strings.TrimSpace(cells[0]), "`")] = used
	}
	return rows
}

// helpExitCodes returns the codes named in the "Exit status" paragraph of
// a command's long help.
func helpExitCodes(long string) []string {
	_, para, found := strings.Cut(long, "Exit status:")
	if !found {
		return nil
	}
	para, _, _ = strings.Cut(para, "\n\n")
	return regexp.MustCompile(`\b[0-9]\b`).FindAllString(para, -1)
}
