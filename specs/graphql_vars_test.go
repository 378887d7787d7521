package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGraphQLVariables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
		want      map[string]bool
		ok        bool
	}{
		{"mutation", "mutation($t: TenantInput!){ upsertTenant(tenant: $t){ id } }", map[string]bool{"t": true}, true},
		{"named query with several", "query Units($first: Int, $after: String = \"x\") { units(first: $first, after: $after) { id } }",
			map[string]bool{"first": true, "after": true}, true},
		{"use is not a declaration", "query { a(x: $undeclared) { id } }", map[string]bool{}, true},
		{"comment and string skipped", "# $c: Int\nquery($a: Int) { f(s: \"$b: x\", t: \"\"\"$d: y\"\"\") }", map[string]bool{"a": true}, true},
		{"object value uses", "mutation($o: In) { f(input: {a: $o, b: $o}) }", map[string]bool{"o": true}, true},
		{"not a document", "upsertTenant", map[string]bool{}, false},
		{"empty", "", map[string]bool{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := graphqlVariables(tt.doc)
			if ok != tt.ok {
				t.Errorf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("variables (-want +got):\n%s", diff)
			}
		})
	}
}
