package corpus_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
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

// measureEnv, when set, makes the test binary a small parent that runs the
// command its value names (JSON array: program and arguments) and prints
// the child's usage as JSON. On Linux a child's peak memory counts its
// parent's memory up to the exec, so the test, holding loaded specs, does
// not run the measured command itself.
const measureEnv = "CORPUS_MEASURE"

// usage is what the operating system counted for one process.
type usage struct {
	Exit   int           `json:"exit"`
	User   time.Duration `json:"user"`
	System time.Duration `json:"system"`
	Peak   int64         `json:"peak"` // bytes
	Output string        `json:"output"`
}

// measureChild runs as the small parent when measureEnv is set; it returns
// the exit status of the test binary.
func measureChild() (int, bool) {
	spec := os.Getenv(measureEnv)
	if spec == "" {
		return 0, false
	}
	var argv []string
	if err := json.Unmarshal([]byte(spec), &argv); err != nil || len(argv) == 0 {
		fmt.Fprintf(os.Stderr, "%s: want a JSON array of program and arguments: %v\n", measureEnv, err)
		return 2, true
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, err)
		return 2, true
	}
	st := cmd.ProcessState
	u := usage{Exit: st.ExitCode(), User: st.UserTime(), System: st.SystemTime(),
		Peak: st.SysUsage().(*syscall.Rusage).Maxrss << 10, Output: string(out)}
	if err := json.NewEncoder(os.Stdout).Encode(u); err != nil {
		return 2, true
	}
	return 0, true
}

// measure runs the built command with args under a fresh small parent and
// returns what the operating system counted, the figures /usr/bin/time -v
// prints (getrusage; ru_maxrss is in kilobytes on Linux).
func measure(t *testing.T, args ...string) usage {
	t.Helper()
	argv, err := json.Marshal(append([]string{specsync(t)}, args...))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), measureEnv+"="+string(argv))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("measuring specsync %s: %v", strings.Join(args, " "), err)
	}
	var u usage
	if err := json.Unmarshal(out, &u); err != nil {
		t.Fatalf("measuring specsync %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return u
}

// TestValidateCPUAndPeakMemory runs the built command's validate on the
// largest document and holds its CPU time and peak memory to the limits.
// The command is built without the race detector whatever the test runs
// with.
func TestValidateCPUAndPeakMemory(t *testing.T) {
	d := documentOf(t, largest)
	u := measure(t, "validate", d.overlay())
	if u.Exit != 0 {
		t.Errorf("specsync validate %s: exit %d\n%s", d.overlay(), u.Exit, errorLines(u.Output))
	}
	info, err := os.Stat(d.path())
	if err != nil {
		t.Fatal(err)
	}
	cpu := u.User + u.System
	t.Logf("validate %s (%d bytes): %v CPU (%v user, %v system), %d MiB peak", d.file, info.Size(), cpu, u.User, u.System, u.Peak>>20)
	if cpu > validateCPU {
		t.Errorf("validate took %v CPU; the limit is %v", cpu, validateCPU)
	}
	if u.Peak > validateMemory {
		t.Errorf("validate peaked at %d MiB; the limit is %d MiB", u.Peak>>20, validateMemory>>20)
	}
}
