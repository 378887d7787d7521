package redteam

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// watchRSS samples the peak resident size (VmHWM) of the process pid
// every 20 ms until stop is closed, and returns the last sample, in
// bytes, on the channel it gives. The peak of a process ends with it, so
// the growth of its last 20 ms may be missed.
func watchRSS(pid int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		path := "/proc/" + strconv.Itoa(pid) + "/status"
		for {
			if v := vmHWM(path); v > peak {
				peak = v
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return out
}

// vmHWM reads VmHWM from a /proc status file, in bytes; 0 when it cannot.
func vmHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	_, rest, ok := bytes.Cut(b, []byte("VmHWM:"))
	if !ok {
		return 0
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(line), []byte(" kB"))), 10, 64)
	if err != nil {
		return 0
	}
	return kb << 10
}
