package bench

import (
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestComparedTakesTheMedianOfThePairsRatios(t *testing.T) {
	t.Parallel()
	row := compared("push", "records/s", 10, "plain", []float64{10, 40, 30}, []float64{20, 20, 60})
	if row.Value != 30 || row.BaselineValue != 20 || row.Ratio != 0.5 {
		t.Errorf("got %+v; want value 30, baseline 20, ratio 0.5 (of 0.5, 2, 0.5)", row)
	}
	var b strings.Builder
	if err := (&Report{Pairs: 3, Rows: []Row{row, {Scenario: "map", Metric: "records/s", Records: 10, Value: 12.34}}}).Table(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"push      records/s  10       30.0      plain     20.0            0.50", "map       records/s  10       12.3      -"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
