package names

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"postalCode":      {"postal", "code"},
		"postal_code":     {"postal", "code"},
		"Postal-Code":     {"postal", "code"},
		"lease contracts": {"lease", "contracts"},
		"HTTPServer":      {"http", "server"},
		"":                nil,
	} {
		if got := Words(in); !slices.Equal(got, want) {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}
