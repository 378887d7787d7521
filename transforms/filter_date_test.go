package transforms

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateFilters(t *testing.T) {
	t.Parallel()
	r := func(v any) Vars { return Vars{"r": map[string]any{"v": v}} }
	runRenderCases(t, []renderCase{
		{name: "iso date", src: `{{ r.v|date:"02.01.2006" }}`, vars: r("2024-02-29"), want: "29.02.2024"},
		{name: "german date", src: `{{ r.v|date:"2006-01-02" }}`, vars: r("1.2.2024"), want: "2024-02-01"},
		{name: "german date padded", src: `{{ r.v|date }}`, vars: r(" 31.12.2024 "), want: "2024-12-31"},
		{name: "rfc3339 keeps zone", src: `{{ r.v|date:"2006-01-02 15:04 MST" }}`, vars: r("2024-03-31T01:30:00+02:00"), want: "2024-03-31 01:30 +0200"},
		{name: "rfc3339 default", src: `{{ r.v|date }}`, vars: r("2024-03-31T01:30:00.5Z"), want: "2024-03-31T01:30:00.5Z"},
		{name: "unix int", src: `{{ r.v|date }}`, vars: r(1735689600), want: "2025-01-01T00:00:00Z"},
		{name: "unix json number", src: `{{ r.v|date:"2006-01-02" }}`, vars: r(json.Number("1735689600")), want: "2025-01-01"},
		{name: "unix text", src: `{{ r.v|date:"2006-01-02" }}`, vars: r("1735689600"), want: "2025-01-01"},
		{name: "unix float whole", src: `{{ r.v|date:"2006" }}`, vars: r(1735689600.0), want: "2025"},
		{name: "time value", src: `{{ r.v|date:"2006-01-02" }}`, vars: r(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)), want: "2024-05-06"},
		{name: "empty stays empty", src: `[{{ r.v|date:"2006" }}]`, vars: r(""), want: "[]"},
		{name: "nil stays empty", src: `[{{ r.v|date }}]`, vars: r(nil), want: "[]"},
		{name: "tz converts", src: `{{ r.v|tz:"America/New_York"|date:"2006-01-02 15:04" }}`, vars: r("2024-01-01T03:00:00Z"), want: "2023-12-31 22:00"},
		{name: "tz keeps the day of a date", src: `{{ r.v|tz:"America/New_York"|date:"2006-01-02" }}`, vars: r("2024-01-01"), want: "2024-01-01"},
		{name: "tz on date gives midnight", src: `{{ r.v|tz:"Europe/Berlin" }}`, vars: r("01.07.2024"), want: "2024-07-01T00:00:00+02:00"},
		{name: "tz on date east", src: `{{ r.v|tz:"Pacific/Kiritimati"|date:"2006-01-02" }}`, vars: r("2024-12-31"), want: "2024-12-31"},
		{name: "utc", src: `{{ r.v|utc|date:"15:04" }}`, vars: r("2024-01-01T10:00:00+01:00"), want: "09:00"},
		{name: "parse_date date only", src: `{{ r.v|parse_date:"02/01/2006" }}`, vars: r("28/02/2023"), want: "2023-02-28"},
		{name: "parse_date with zone", src: `{{ r.v|parse_date:"02.01.2006 15:04;Europe/Berlin"|utc }}`, vars: r("15.01.2024 10:00"), want: "2024-01-15T09:00:00Z"},
		{name: "parse_date zone in layout", src: `{{ r.v|parse_date:"2006-01-02 15:04 -0700" }}`, vars: r("2024-01-15 10:00 +0100"), want: "2024-01-15T10:00:00+01:00"},
		{name: "parse_date compact", src: `{{ r.v|parse_date:"20060102"|date:"02.01.2006" }}`, vars: r("20240131"), want: "31.01.2024"},
		{name: "impossible date", src: `{{ r.v|date }}`, vars: r("31.02.2024"), fail: "date"},
		{name: "impossible iso date", src: `{{ r.v|date }}`, vars: r("2023-02-29"), fail: "date"},
		{name: "no zone", src: `{{ r.v|date }}`, vars: r("2024-01-01T10:00:00"), fail: "date"},
		{name: "garbage", src: `{{ r.v|date }}`, vars: r("next tuesday"), fail: "date"},
		{name: "fraction of seconds", src: `{{ r.v|date }}`, vars: r(1.5), fail: "date"},
		{name: "unix out of range", src: `{{ r.v|date }}`, vars: r("999999999999999"), fail: "date"},
		{name: "bool", src: `{{ r.v|date }}`, vars: r(true), fail: "date"},
		{name: "date with zone layout", src: `{{ r.v|date:"2006-01-02 MST" }}`, vars: r("2024-01-01"), fail: "date"},
		{name: "parse_date mismatch", src: `{{ r.v|parse_date:"02/01/2006" }}`, vars: r("2024-01-01"), fail: "parse_date"},
		{name: "parse_date impossible", src: `{{ r.v|parse_date:"02/01/2006" }}`, vars: r("30/02/2024"), fail: "parse_date"},
		{name: "tz on garbage", src: `{{ r.v|tz:"UTC" }}`, vars: r("soon"), fail: "tz"},
		{name: "utc on garbage", src: `{{ r.v|utc }}`, vars: r("2024-13-01"), fail: "utc"},
		{name: "zone from a variable", src: `{{ r.v|tz:r.zone|date:"15:04" }}`, vars: Vars{"r": map[string]any{"v": "2024-01-01T00:00:00Z", "zone": "Asia/Tokyo"}}, want: "09:00"},
		{name: "zone variable empty", src: `{{ r.v|tz:r.zone }}`, vars: r("2024-01-01T00:00:00Z"), fail: "tz"},
	})
}

func TestDateArgumentErrors(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{
		`{{ r.v|tz:"Mars/Olympus" }}`,
		`{{ r.v|tz:"Local" }}`,
		`{{ r.v|tz }}`,
		`{{ r.v|parse_date:"02.01.2006 15:04" }}`,
		`{{ r.v|parse_date:"15:04;UTC" }}`,
		`{{ r.v|parse_date }}`,
		`{{ r.v|date:"no layout" }}`,
	} {
		if _, err := env.Compile(src); err == nil {
			t.Errorf("Compile(%s) accepted an argument that can never work", src)
		}
	}
}

// FuzzParseDate checks that parseDate never panics and that a parsed date
// written back in either accepted form reads as the same day.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "29.02.2024", "1.1.2000", "2024-01-01T10:00:00+01:00", "1735689600", "-1", "31.02.2024", "", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseDate(s)
		if err != nil || !m.dateOnly {
			return
		}
		for _, layout := range []string{time.DateOnly, "02.01.2006"} {
			again, err := parseDate(m.t.Format(layout))
			if err != nil {
				t.Fatalf("%q parsed, but its %s form %q does not: %v", s, layout, m.t.Format(layout), err)
			}
			if !again.t.Equal(m.t) || !again.dateOnly {
				t.Fatalf("%q round-trips through %s to %v, want %v", s, layout, again.t, m.t)
			}
		}
	})
}
