package specs

import (
	"fmt"
	"strconv"
	"time"
)

// TimeFormat is how the cursor of an incremental filter is written:
// TimeRFC3339, TimeUnix, or any other text as a Go time layout
// ("2006-01-02 15:04:05"). The zero value means TimeRFC3339. Loading
// refuses a layout that does not write a date (see Check).
type TimeFormat string

// The named time formats.
const (
	// TimeRFC3339 writes RFC 3339 with a zone and reads it with optional
	// fractions of a second.
	TimeRFC3339 TimeFormat = "rfc3339"
	// TimeUnix writes whole seconds since 1970 and reads them from a
	// number or a numeric string.
	TimeUnix TimeFormat = "unix"
)

// checkTime is the time Check writes and reads back.
var checkTime = time.Date(2021, time.November, 23, 19, 47, 31, 0, time.UTC)

// Value renders t as the cursor value: a string, or for TimeUnix the
// seconds as an int64 (a number in a GraphQL variable).
func (f TimeFormat) Value(t time.Time) any {
	switch f {
	case "", TimeRFC3339:
		return t.Format(time.RFC3339)
	case TimeUnix:
		return t.Unix()
	}
	return t.Format(string(f))
}

// Parse reads a time written in f. Layouts without a zone are read as UTC.
func (f TimeFormat) Parse(s string) (time.Time, error) {
	switch f {
	case "", TimeRFC3339:
		return time.Parse(time.RFC3339Nano, s)
	case TimeUnix:
		secs, err := strconv.ParseInt(s, 10, 64)
		return time.Unix(secs, 0).UTC(), err
	}
	return time.Parse(string(f), s)
}

// Check reports a layout that cannot serve as a cursor: one that does not
// write a time's date, or cannot read back what it writes
// ("YYYY-MM-DD" writes itself, whatever the time).
func (f TimeFormat) Check() error {
	if f == "" || f == TimeRFC3339 || f == TimeUnix {
		return nil
	}
	back, err := f.Parse(checkTime.Format(string(f)))
	y, m, d := back.Date()
	if err != nil || y != checkTime.Year() || m != checkTime.Month() || d != checkTime.Day() {
		return fmt.Errorf("%q is neither rfc3339, unix nor a Go time layout that writes a date", string(f))
	}
	return nil
}
