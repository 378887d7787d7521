//go:build !linux

package bench

import "errors"

var errNoPeak = errors.New("the peak resident size is read from /proc, on Linux only")

// resetPeak is not possible here.
func resetPeak() error { return errNoPeak }

// peakRSS is not measured here.
func peakRSS() (int64, error) { return 0, errNoPeak }
