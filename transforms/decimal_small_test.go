package transforms

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

// TestSmallDecimalTextAgrees: fixed's int64 text is StringFixed's, at the
// edges of rounding, signs, zeros and the int64 range.
func TestSmallDecimalTextAgrees(t *testing.T) {
	t.Parallel()
	coefs := []int64{0, 1, -1, 4, 5, -5, 6, 45, -45, 49, 50, -50, 51, 95, 99, 100, 12345, -12345, 999_999_999_999_999_999, -999_999_999_999_999_999, 500_000_000_000_000_000, math.MaxInt64, math.MinInt64}
	small := 0
	for _, c := range coefs {
		for exp := int32(-25); exp <= 5; exp++ {
			for places := int32(0); places <= 20; places++ {
				f := fixed{decimal.New(c, exp), places}
				want := f.d.StringFixed(places)
				if got := f.String(); got != want {
					t.Fatalf("fixed{%d e%d, %d}.String() = %q; StringFixed gives %q", c, exp, places, got, want)
				}
				if _, ok := f.smallString(); ok {
					small++
				}
			}
		}
	}
	if small < len(coefs)*31*21/2 {
		t.Fatalf("only %d cases took the int64 path; the test does not test it", small)
	}
}

func FuzzSmallDecimalText(f *testing.F) {
	f.Add(int64(12345), int32(-3), int32(2))
	f.Add(int64(-5), int32(-1), int32(0))
	f.Fuzz(func(t *testing.T, c int64, exp, places int32) {
		exp, places = exp%30, max(places%22, -places%22)
		fx := fixed{decimal.New(c, exp), places}
		if got, want := fx.String(), fx.d.StringFixed(places); got != want {
			t.Errorf("fixed{%d e%d, %d}.String() = %q; StringFixed gives %q", c, exp, places, got, want)
		}
	})
}
