package corpus_test

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// Limits of `specsync validate` on the largest document (over 3 MB): CPU
// time (user and system) and peak resident memory of the process.
const (
	validateCPU    = 3 * time.Second
	validateMemory = 150 << 20
)

// TestValidateCPUAndPeakMemory runs the built command's validate on the
// largest document and reads its CPU time and peak memory from the
// operating system (getrusage: ru_maxrss is in kilobytes on Linux), the
// figures /usr/bin/time -v prints. The command is built without the race
// detector whatever the test runs with.
func TestValidateCPUAndPeakMemory(t *testing.T) {
	d := documentOf(t, largest)
	out, errOut, st := run(t, "validate", d.overlay())
	if !st.Success() {
		t.Fatalf("specsync validate %s: exit %d\n%s%s", d.overlay(), st.ExitCode(), errorLines(out), errOut)
	}
	cpu := st.UserTime() + st.SystemTime()
	peak := st.SysUsage().(*syscall.Rusage).Maxrss << 10
	info, err := os.Stat(d.path())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("validate %s (%d bytes): %v CPU (%v user, %v system), %d MiB peak", d.file, info.Size(), cpu, st.UserTime(), st.SystemTime(), peak>>20)
	if cpu > validateCPU {
		t.Errorf("validate took %v CPU; the limit is %v", cpu, validateCPU)
	}
	if peak > validateMemory {
		t.Errorf("validate peaked at %d MiB; the limit is %d MiB", peak>>20, validateMemory>>20)
	}
}
