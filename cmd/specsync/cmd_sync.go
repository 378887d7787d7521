package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/queue"
)

func newSyncCmd() *cobra.Command {
	var sf stateFlags
	var rf runFlags
	var allowDeletes bool
	cmd := &cobra.Command{
		Use:   "sync INSTANCE",
		Short: "Run an instance now: push, then pull, and print what was done",
		Long: `sync runs a stored instance now: the push phase (home -> partner), then the
pull phase (partner -> home), each entity in dependency order, with the
specs and model as the instance was last applied (edits on disk take
effect when it is applied again). Only records
whose mapped payload changed are written; failed records go to the failure
ledger and are retried by every later run.

A run deletes at most the instance's delete guard (default 10%) of an
entity's known records; --allow-deletes lifts the guard for this run.

The run is recorded in the instance's run history (trigger cli), where
the status page and the admin API show it.

Exit status: 0 clean, 3 partial (some records failed, or the delete guard
held deletes back), 1 failed (the run was aborted, or it could not reach
the home or the partner at all), 2 usage or setup errors.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := rf.options()
			if err != nil {
				return err
			}
			opts.DeleteOverride = allowDeletes
			return runSync(cmd, &sf, args[0], opts)
		},
	}
	sf.add(cmd.Flags())
	rf.add(cmd)
	cmd.Flags().BoolVar(&allowDeletes, "allow-deletes", false, "let this run delete more than the delete guard allows")
	return cmd
}

// runSync runs the instance and prints its summary.
func runSync(cmd *cobra.Command, sf *stateFlags, id string, opts engine.RunOptions) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd.SetContext(ctx)
	o, run, err := startRun(cmd, sf, id, opts.Entity, queue.TaskRun)
	if err != nil {
		return err
	}
	defer o.close()
	out := cmd.OutOrStdout()
	line := newProgressLine(out)
	opts.Progress, opts.RunID = line.show, run.ID()
	sum, err := o.eng.Run(ctx, o.loaded, opts)
	line.clear()
	finishRun(ctx, cmd.ErrOrStderr(), run, sum, err)
	if sum == nil {
		return &exitError{code: 1, err: err}
	}
	sum.Table(out)
	if code := sum.ExitCode(); code != engine.ExitClean {
		return &exitError{code: code, err: runError(err)}
	}
	return nil
}

// runError keeps the message of an aborted run; the summary already says
// that records failed.
func runError(err error) error {
	if errors.Is(err, engine.ErrAborted) {
		return err
	}
	return nil
}

// progressLine shows a run's progress on one terminal line, rewritten at
// most a few times a second. It writes nothing unless out is a terminal.
type progressLine struct {
	mu   sync.Mutex
	out  io.Writer
	tty  bool
	last time.Time
	size int
}

// newProgressLine returns a progress line on out.
func newProgressLine(out io.Writer) *progressLine {
	return &progressLine{out: out, tty: isTerminal(out)}
}

// isTerminal reports whether w is a character device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// show rewrites the line with p.
func (l *progressLine) show(p engine.Progress) {
	if !l.tty {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if time.Since(l.last) < 200*time.Millisecond {
		return
	}
	l.last = time.Now()
	done := fmt.Sprintf("%d", p.Done)
	if p.Total > 0 {
		done = fmt.Sprintf("%d/~%d", p.Done, p.Total)
	}
	text := fmt.Sprintf("%s %s: %s records, %.0f records/s, %s", p.Direction, p.Entity, done, p.Rate, p.Elapsed.Round(time.Second))
	fmt.Fprintf(l.out, "\r%-*s", l.size, text)
	l.size = max(l.size, len(text))
}

// clear removes the line.
func (l *progressLine) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tty && l.size > 0 {
		fmt.Fprintf(l.out, "\r%*s\r", l.size, "")
	}
}
