package redteam

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// interruptSignal stops serve the way an operator does.
var interruptSignal = os.Interrupt

// RunCase runs one case in a fresh Env: the attack, the convergence check
// where the case asks for it, and the canary search over every output and
// every Redis value of the case. It returns what went wrong, all of it.
func RunCase(ctx context.Context, c Case, opts Options) error {
	_, err := runCase(ctx, c, opts)
	return err
}

// runCase is RunCase that also gives the largest peak resident size of
// the case's commands.
func runCase(ctx context.Context, c Case, opts Options) (int64, error) {
	e, err := NewEnv(ctx, opts)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	var errs []error
	if err := c.Run(ctx, e); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", c.Name, err))
	}
	if c.Converge {
		if err := e.Converge(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: rerun against healthy systems: %w", c.Name, err))
		}
	}
	leaks, keys, err := e.CheckCanaries(ctx)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("%s: canary search: %w", c.Name, err))
	case keys == 0:
		errs = append(errs, fmt.Errorf("%s: canary search found no Redis key under %s", c.Name, opts.Prefix))
	}
	for _, l := range leaks {
		errs = append(errs, fmt.Errorf("%s: %s", c.Name, l))
	}
	return e.PeakRSS(), errors.Join(errs...)
}

// Outcome is how one case of Run ended.
type Outcome struct {
	Case     string
	Duration time.Duration
	// PeakRSS is the largest peak resident size of the case's specsync
	// processes, in bytes; serve's is not counted.
	PeakRSS int64
	Err     error
}

// Run runs the cases whose names match (all when names is empty; long
// ones only with long) one after another, each under a prefix of its own
// below opts.Prefix and in a folder of its own below opts.Dir, and
// reports each on progress.
func Run(ctx context.Context, opts Options, long bool, names []string, progress func(Outcome)) []Outcome {
	var out []Outcome
	for _, c := range Cases() {
		if (c.Long && !long) || (len(names) > 0 && !contains(names, c.Name)) {
			continue
		}
		o := opts
		o.Prefix = opts.Prefix + c.Name + ":"
		o.Dir = opts.Dir + string(os.PathSeparator) + c.Name
		start := time.Now()
		var peak int64
		err := os.MkdirAll(o.Dir, 0o700)
		if err == nil {
			peak, err = runCase(ctx, c, o)
		}
		oc := Outcome{Case: c.Name, Duration: time.Since(start), PeakRSS: peak, Err: err}
		if progress != nil {
			progress(oc)
		}
		out = append(out, oc)
	}
	return out
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
