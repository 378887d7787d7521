package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFlattenMappingNumberHasNoExponent pins a bug: explain printed a
// constant 1000000 of a mapping as 1e+06.
func TestFlattenMappingNumberHasNoExponent(t *testing.T) {
	t.Parallel()
	got := map[string]string{}
	flattenMapping("", map[string]any{"size": 1000000.0, "name": "{{ record.name }}", "tags": []any{true, nil}}, got)
	want := map[string]string{"/size": "1000000", "/name": "{{ record.name }}", "/tags/0": "true", "/tags/1": "<nil>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flattenMapping (-want +got):\n%s", diff)
	}
}
