//go:build !unix

package bench

import "time"

// processCPU is not measured here; CPU figures read zero.
func processCPU() time.Duration { return 0 }
