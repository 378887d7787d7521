package stored

import (
	"errors"
	"fmt"
)

// ErrFormat is matched (errors.Is) by every *FormatError, and by the
// error of a value marked with the right version whose data is damaged.
var ErrFormat = errors.New("stored value in an unknown format")

// FormatError is the error of a stored value marked with a format version
// this version of specsync does not read, or with none.
type FormatError struct {
	// Value names the value and where it is ("state of instance
	// \"erp\", push tenant \"L-2\"").
	Value string
	// Found is the value's format version; empty when it carries none.
	Found string
	// Want is the format version this version of specsync reads.
	Want string
	// Remedy says how to do without the value: what to remove or write
	// again, and what that costs.
	Remedy string
}

// Error says what was found and what to do.
func (e *FormatError) Error() string {
	found := "carries no format version"
	if e.Found != "" {
		found = fmt.Sprintf("has format %q", e.Found)
	}
	return fmt.Sprintf("%s: the stored value %s, and this version of specsync reads only format %q; "+
		"it was written by another version: run that version, or %s",
		e.Value, found, e.Want, e.Remedy)
}

// Unwrap makes the error match ErrFormat.
func (e *FormatError) Unwrap() error { return ErrFormat }

// Damaged returns the error of a value marked with the right version
// whose data cannot be read (err says why); it matches ErrFormat.
func Damaged(what string, err error) error {
	return fmt.Errorf("%s: the stored value is damaged: %w (%w)", what, err, ErrFormat)
}
