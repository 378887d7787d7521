//go:build !unix

package engine

import "time"

// processCPU is not measured here; CPU metrics read zero.
func processCPU() time.Duration { return 0 }
