package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"list", "list", 0},
		{"lisst", "list", 1},
		{"auht", "auth", 1}, // adjacent swap counts once
		{"operaton", "operation", 1},
		{"kitten", "sitting", 3},
		{"", "abc", 3},
		{"größe", "grösse", 2},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	keys := []string{"model", "key", "id", "list", "lookup", "sourceOfTruth", "incremental"}
	tests := []struct {
		word string
		want []string
	}{
		{"modle", []string{"model"}},
		{"lst", []string{"list"}},
		{"sourceoftruth", []string{"sourceOfTruth"}}, // case is ignored
		{"increm", []string{"incremental"}},          // prefix
		{"x", nil},                                   // too short to guess
		{"zzzzzz", nil},
	}
	for _, tt := range tests {
		got := suggest(tt.word, keys)
		if len(got) == 0 {
			got = nil
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("suggest(%q) (-want +got):\n%s", tt.word, diff)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	ids := []string{"listUnits", "getUnit", "setUnit"}
	tests := []struct{ word, want string }{
		{"listUnit", `did you mean "listUnits"?`},
		{"etUnit", `did you mean "getUnit" or "setUnit"?`},
		{"frobnicate", "operationIds: getUnit, listUnits, setUnit"},
	}
	for _, tt := range tests {
		if got := didYouMean(tt.word, ids, "operationIds"); got != tt.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
