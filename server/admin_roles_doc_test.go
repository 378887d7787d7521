package server

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// operationsTable renders the admin API's operations and the least role
// each takes, from the document's x-role, as a Markdown table.
func operationsTable(t *testing.T) string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(apiDocument)
	if err != nil {
		t.Fatal(err)
	}
	roles, err := operationRoles(doc)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			rows = append(rows, fmt.Sprintf("| `%s %s` | %s | %s |", method, path, roles[op], op.Summary))
		}
	}
	sort.Strings(rows)
	return "| Request | Least role | What it does |\n|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
}

// TestAccessDocListsEveryOperationsRole fails when the table of
// docs/access.md differs from the roles the API document declares.
func TestAccessDocListsEveryOperationsRole(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/access.md")
	if err != nil {
		t.Fatal(err)
	}
	if table := operationsTable(t); !strings.Contains(string(doc), table) {
		t.Errorf("docs/access.md lacks the current table of operations and roles; put this in its place:\n%s", table)
	}
}
