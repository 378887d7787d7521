package bench

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// Report is what Run measured.
type Report struct {
	// Pairs is the number of paired runs behind each median.
	Pairs int `json:"pairs"`
	// Rows are the figures, in the order of Scenarios.
	Rows []Row `json:"rows"`
}

// Row is one figure of a scenario, beside its baseline where it has one.
type Row struct {
	Scenario string `json:"scenario"`
	// Metric names the figure and its unit ("records/s").
	Metric string `json:"metric"`
	// Records is the number of records of each run.
	Records int `json:"records"`
	// Value is the engine's figure, the median of the runs.
	Value float64 `json:"value"`
	// Baseline names what the engine is compared with; empty when nothing
	// is.
	Baseline string `json:"baseline,omitempty"`
	// BaselineValue is the baseline's figure, the median of the runs.
	BaselineValue float64 `json:"baselineValue,omitempty"`
	// Ratio is the median of Value / BaselineValue over the pairs.
	Ratio float64 `json:"ratio,omitempty"`
}

// Table writes the report as an aligned table.
func (r *Report) Table(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tMETRIC\tRECORDS\tSPECSYNC\tBASELINE\tBASELINE VALUE\tRATIO")
	for _, row := range r.Rows {
		base, baseValue, ratio := "-", "-", "-"
		if row.Baseline != "" {
			base, baseValue, ratio = row.Baseline, figure(row.BaselineValue), fmt.Sprintf("%.2f", row.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", row.Scenario, row.Metric, row.Records, figure(row.Value), base, baseValue, ratio)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "Medians of %d paired runs; RATIO is SPECSYNC / BASELINE VALUE, the median over the pairs.\n", r.Pairs)
	return err
}

// figure formats a measured value: whole numbers from 100 up, one
// decimal below.
func figure(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// compared is a row of a figure measured in pairs with its baseline.
func compared(scenario, metric string, records int, baseline string, values, baselines []float64) Row {
	ratios := make([]float64, len(values))
	for i := range values {
		ratios[i] = values[i] / baselines[i]
	}
	return Row{Scenario: scenario, Metric: metric, Records: records, Value: median(values),
		Baseline: baseline, BaselineValue: median(baselines), Ratio: median(ratios)}
}

// median is the middle value of vs, the mean of the middle two for an
// even count.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
