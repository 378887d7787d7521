package transforms

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones work on hosts without a zone database

	"github.com/flosch/pongo2/v6"
)

func dateFilters() []filterDef {
	return []filterDef{
		{FilterInfo{
			Name: "date", Category: "dates", Argument: "Go layout (optional)",
			Description: "Reads a date (YYYY-MM-DD, DD.MM.YYYY), an RFC 3339 instant with its zone, or Unix seconds (a whole number, also as text) and formats it with a Go layout. Without a layout a date gives YYYY-MM-DD and an instant RFC 3339. Impossible dates (31.02.2024) and instants without a zone are errors; empty stays empty. A date has no zone: a layout with a zone needs `tz` first.",
			Example:     `{{ "31.12.2024"|date:"2006-01-02" }}`, Result: "2024-12-31",
		}, filterDate},
		{FilterInfo{
			Name: "parse_date", Category: "dates", Argument: `Go layout, then optionally ";" and a zone`,
			Description: "Reads a date or instant written in the given Go layout. A layout with a time of day but no zone needs the zone after \";\" (\"02/01/2006 15:04;Europe/Berlin\"); a layout with only a date gives a date.",
			Example:     `{{ "2024-03-31 02:30"|parse_date:"2006-01-02 15:04;UTC"|date }}`, Result: "2024-03-31T02:30:00Z",
		}, filterParseDate},
		{FilterInfo{
			Name: "tz", Category: "dates", Argument: "IANA zone name",
			Description: "Converts an instant to the zone. A date (without time) becomes midnight of that day in the zone, so the day never shifts.",
			Example:     `{{ "2024-06-30T22:30:00Z"|tz:"Europe/Berlin"|date:"2006-01-02 15:04" }}`, Result: "2024-07-01 00:30",
		}, filterTZ},
		{FilterInfo{
			Name: "utc", Category: "dates",
			Description: "Converts an instant to UTC; a date becomes midnight UTC of that day.",
			Example:     `{{ "2024-07-01T00:30:00+02:00"|utc }}`, Result: "2024-06-30T22:30:00Z",
		}, filterUTC},
	}
}

// errNoZone is returned for date-times written without a zone.
var errNoZone = errors.New("date-time has no zone; write it as RFC 3339 (2024-01-31T10:00:00+01:00) or read it with parse_date and a zone")

// moment is a parsed date or instant.
type moment struct {
	t        time.Time
	dateOnly bool
}

// toMoment reads a date or instant from a template value. ok is false for
// an empty value.
func toMoment(v any) (m moment, ok bool, err error) {
	if isEmpty(v) {
		return moment{}, false, nil
	}
	switch v := v.(type) {
	case time.Time:
		return moment{t: v}, true, nil
	case calendarDate:
		return moment{t: v.t, dateOnly: true}, true, nil
	case string:
		m, err := parseDate(v)
		return m, err == nil, err
	case json.Number, int, int64, int32:
		return unixMoment(text(v))
	case float64:
		if v != math.Trunc(v) {
			//lint:ignore ST1005 Unix is a proper noun
			return moment{}, false, errors.New("Unix seconds must be a whole number")
		}
		return unixMoment(text(v))
	}
	return moment{}, false, fmt.Errorf("a %T is not a date", v)
}

func unixMoment(s string) (moment, bool, error) {
	m, err := parseUnix(s)
	return m, err == nil, err
}

// parseDate reads YYYY-MM-DD, DD.MM.YYYY (day and month may have one
// digit), RFC 3339 with a zone, or Unix seconds.
func parseDate(s string) (moment, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return moment{}, errors.New("empty date")
	case isUnixText(s):
		return parseUnix(s)
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		return parseLayout(s, time.DateOnly, true)
	case strings.Count(s, ".") == 2 && len(s) <= 10:
		return parseLayout(s, "2.1.2006", true)
	case strings.ContainsAny(s, "Tt "):
		t, err := time.Parse(time.RFC3339Nano, strings.Replace(s, " ", "T", 1))
		if err != nil {
			if _, errLocal := time.Parse("2006-01-02T15:04:05", strings.Replace(s, " ", "T", 1)); errLocal == nil {
				return moment{}, errNoZone
			}
			return moment{}, fmt.Errorf("not an RFC 3339 instant: %w", err)
		}
		return moment{t: t}, nil
	}
	return moment{}, errors.New("not a date: write YYYY-MM-DD, DD.MM.YYYY, RFC 3339 or Unix seconds, or use parse_date with a layout")
}

// parseLayout parses a date-only text.
func parseLayout(s, layout string, dateOnly bool) (moment, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			return moment{}, fmt.Errorf("not a valid date: %s", strings.TrimPrefix(pe.Message, ": "))
		}
		return moment{}, fmt.Errorf("not a valid date (expected %s)", layout)
	}
	return moment{t: t, dateOnly: dateOnly}, nil
}

// isPlainDate reports whether s is a valid date written YYYY-MM-DD, as
// time.DateOnly writes it: what time.Parse with that layout accepts,
// without the parsing.
func isPlainDate(s string) bool {
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 {
		return false
	}
	// Day 0 of the next month is this month's last day.
	last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return day <= last
}

// digits reads a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func isUnixText(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseUnix reads Unix seconds; the instant must fall in years 1 to 9999.
func parseUnix(s string) (moment, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < -62135596800 || n > 253402300799 {
		//lint:ignore ST1005 Unix is a proper noun
		return moment{}, fmt.Errorf("Unix seconds %s are out of range (years 1 to 9999)", s)
	}
	return moment{t: time.Unix(n, 0).UTC()}, nil
}

func filterDate(in, arg *pongo2.Value) (any, error) {
	layout, err := stringArg(arg, false, "")
	if err != nil {
		return nil, err
	}
	info, err := layoutInfoOf(layout)
	if err != nil {
		return nil, argError(arg, "%v", err)
	}
	m, ok, err := toMoment(in.Interface())
	if !ok {
		return nil, err
	}
	return formatMoment(m, layout, info)
}

func formatMoment(m moment, layout string, info layoutInfo) (string, error) {
	switch {
	case layout == "" && m.dateOnly:
		return m.t.Format(time.DateOnly), nil
	case layout == "":
		return m.t.Format(time.RFC3339Nano), nil
	case m.dateOnly && info.zone:
		return "", errors.New("a date without time has no zone, but the layout shows one; place it in a zone with tz first")
	}
	return m.t.Format(layout), nil
}

func filterParseDate(in, arg *pongo2.Value) (any, error) {
	s, err := stringArg(arg, true, `a Go layout such as "02/01/2006"`)
	if err != nil {
		return nil, err
	}
	p, err := parseLayoutCache.get(s, parseLayoutArg)
	if err != nil {
		return nil, argError(arg, "%v", err)
	}
	if isEmpty(in.Interface()) {
		return nil, nil
	}
	return p.parse(strings.TrimSpace(text(in.Interface())))
}

// layoutArg is a parsed parse_date argument.
type layoutArg struct {
	layout string
	info   layoutInfo
	loc    *time.Location
}

var parseLayoutCache argCache[layoutArg]

func parseLayoutArg(s string) (layoutArg, error) {
	layout, zone, hasZone := strings.Cut(s, ";")
	info, err := layoutInfoOf(layout)
	if err != nil {
		return layoutArg{}, err
	}
	p := layoutArg{layout: layout, info: info}
	if hasZone {
		if p.loc, err = loadZone(strings.TrimSpace(zone)); err != nil {
			return layoutArg{}, err
		}
	}
	switch {
	case !info.date:
		return layoutArg{}, errors.New("the layout must show year, month and day (2006, 01, 02)")
	case info.clock && !info.zone && p.loc == nil:
		return layoutArg{}, errors.New(`the layout has a time of day but no zone; add the zone after ";", as in "02.01.2006 15:04;Europe/Berlin"`)
	}
	return p, nil
}

func (p layoutArg) parse(s string) (any, error) {
	var t time.Time
	var err error
	if p.loc != nil && !p.info.zone {
		t, err = time.ParseInLocation(p.layout, s, p.loc)
	} else {
		t, err = time.Parse(p.layout, s)
	}
	if err != nil {
		return nil, fmt.Errorf("does not match layout %q", p.layout)
	}
	if !p.info.clock && !p.info.zone {
		y, mo, d := t.Date()
		return calendarDate{time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)}, nil
	}
	return t, nil
}

// layoutInfo says which parts a Go layout shows.
type layoutInfo struct {
	date, clock, zone bool
}

var layoutInfoCache argCache[layoutInfo]

func layoutInfoOf(layout string) (layoutInfo, error) {
	if layout == "" {
		return layoutInfo{}, nil
	}
	return layoutInfoCache.get(layout, analyseLayout)
}

// analyseLayout finds the parts of a layout by formatting instants that
// differ in one part only and comparing the results.
func analyseLayout(layout string) (layoutInfo, error) {
	base := time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC)
	differs := func(t time.Time) bool { return base.Format(layout) != t.Format(layout) }
	year, month, day := differs(base.AddDate(1, 0, 0)), differs(base.AddDate(0, 1, 0)), differs(base.AddDate(0, 0, 1))
	info := layoutInfo{
		date: year && month && day,
		clock: differs(base.Add(13*time.Hour+14*time.Minute)) ||
			differs(base.Add(15*time.Second)),
		zone: differs(time.Date(2001, 2, 3, 0, 0, 0, 0, time.FixedZone("XYZ", 5*3600+1800))),
	}
	if !year && !month && !day && !info.clock && !info.zone {
		return info, fmt.Errorf("%q is not a Go time layout (write the reference time Mon Jan 2 15:04:05 MST 2006, as in \"02.01.2006\")", layout)
	}
	return info, nil
}

var zoneCache argCache[*time.Location]

// loadZone loads an IANA zone ("Europe/Berlin"); "UTC" and "Local" are not
// special except that Local is refused (it depends on the host).
func loadZone(name string) (*time.Location, error) {
	return zoneCache.get(name, func(name string) (*time.Location, error) {
		if name == "" || strings.EqualFold(name, "local") {
			return nil, errors.New(`name an IANA zone such as "Europe/Berlin" or "UTC"`)
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			return nil, fmt.Errorf("unknown time zone %q (use IANA names such as \"Europe/Berlin\")", name)
		}
		return loc, nil
	})
}

func filterTZ(in, arg *pongo2.Value) (any, error) {
	name, err := stringArg(arg, true, `an IANA zone such as "Europe/Berlin"`)
	if err != nil {
		return nil, err
	}
	loc, err := loadZone(name)
	if err != nil {
		return nil, argError(arg, "%v", err)
	}
	return inZone(in, loc)
}

func filterUTC(in, _ *pongo2.Value) (any, error) {
	return inZone(in, time.UTC)
}

// inZone converts an instant to loc; a date becomes its midnight in loc.
func inZone(in *pongo2.Value, loc *time.Location) (any, error) {
	m, ok, err := toMoment(in.Interface())
	if !ok {
		return nil, err
	}
	if m.dateOnly {
		y, mo, d := m.t.Date()
		return time.Date(y, mo, d, 0, 0, 0, 0, loc), nil
	}
	return m.t.In(loc), nil
}
