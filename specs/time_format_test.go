package specs_test

import (
	"testing"
	"time"

	"github.com/specsync/specsync/specs"
)

func TestTimeFormatRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, time.March, 5, 6, 7, 8, 0, time.UTC)
	cases := []struct {
		format specs.TimeFormat
		value  any
		text   string
	}{
		{"", "2024-03-05T06:07:08Z", "2024-03-05T06:07:08Z"},
		{specs.TimeRFC3339, "2024-03-05T06:07:08Z", "2024-03-05T06:07:08.000Z"},
		{specs.TimeUnix, at.Unix(), "1709618828"},
		{"2006-01-02 15:04:05", "2024-03-05 06:07:08", "2024-03-05 06:07:08"},
	}
	for _, tc := range cases {
		if got := tc.format.Value(at); got != tc.value {
			t.Errorf("%q.Value = %#v, want %#v", tc.format, got, tc.value)
		}
		if back, err := tc.format.Parse(tc.text); err != nil || !back.Equal(at) {
			t.Errorf("%q.Parse(%q) = %v, %v; want %v", tc.format, tc.text, back, err, at)
		}
	}
}

func TestTimeFormatCheck(t *testing.T) {
	t.Parallel()
	for _, ok := range []specs.TimeFormat{"", "rfc3339", "unix", "2006-01-02", "02.01.2006 15:04", time.RFC1123} {
		if err := ok.Check(); err != nil {
			t.Errorf("%q.Check() = %v, want nil", ok, err)
		}
	}
	for _, bad := range []specs.TimeFormat{"YYYY-MM-DD", "Unix", "15:04:05", "Jan 2"} {
		if err := bad.Check(); err == nil {
			t.Errorf("%q.Check() = nil, want an error", bad)
		}
	}
}
