package transforms

import (
	"fmt"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// plainDateByParsing is what isPlainDate stands in for: the date format's
// check in kin-openapi, and time.Parse with time.DateOnly giving s back.
func plainDateByParsing(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s && openapi3.SchemaStringFormats["date"].Validate(s) == nil
}

// TestPlainDateAgreesWithParsing sweeps years, months and days around
// every edge, leap years included, and malformed texts.
func TestPlainDateAgreesWithParsing(t *testing.T) {
	t.Parallel()
	var cases []string
	for _, year := range []int{0, 1, 1900, 1999, 2000, 2023, 2024, 2100, 9999} {
		for month := 0; month <= 13; month++ {
			for day := 0; day <= 32; day++ {
				cases = append(cases, fmt.Sprintf("%04d-%02d-%02d", year, month, day))
			}
		}
	}
	cases = append(cases, "", "2024-1-31", "2024-01-3", " 2024-01-31", "2024-01-31 ", "2024/01/31",
		"2024-01-3a", "２０２４-01-31", "2024-01-31T00:00:00Z", "+024-01-31", "-024-01-31", "2024--1-31")
	valid := 0
	for _, s := range cases {
		want := plainDateByParsing(s)
		if got := isPlainDate(s); got != want {
			t.Errorf("isPlainDate(%q) = %v; parsing says %v", s, got, want)
		}
		if want {
			valid++
		}
	}
	if valid < 9*365 {
		t.Fatalf("only %d of the sweep's dates are valid; the sweep is broken", valid)
	}
}

func FuzzPlainDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-12-31", "2024-13-01", "9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isPlainDate(s), plainDateByParsing(s); got != want {
			t.Errorf("isPlainDate(%q) = %v; parsing says %v", s, got, want)
		}
	})
}
