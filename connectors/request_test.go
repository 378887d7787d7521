package connectors

import (
	"encoding/json"
	"testing"
)

// TestParamTextFloatHasNoExponent pins a bug: a paginator that set a
// float64 such as 1000000.0 sent "1e+06", where every other place renders
// the number as 1000000.
func TestParamTextFloatHasNoExponent(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{1000000.0, "1000000"},
		{2.5, "2.5"},
		{20, "20"},
		{int64(1700000000), "1700000000"},
		{json.Number("1e3"), "1e3"},
		{"next-token", "next-token"},
		{true, "true"},
	}
	for _, tc := range cases {
		if got := paramText(tc.in); got != tc.want {
			t.Errorf("paramText(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
