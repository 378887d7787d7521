package main

import (
	"context"
	"fmt"
	"io"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
)

// beginRun records the start of a run of inst from the command line in
// the run history (task is queue.TaskRun or queue.TaskReconcile).
func beginRun(ctx context.Context, rec *queue.Recorder, inst *instance.Instance, task, trigger string) (*queue.Recording, error) {
	run, err := rec.Begin(ctx, queue.RunRecord{Instance: inst.ID, Organisation: inst.Organisation, Task: task, Trigger: trigger})
	if err != nil {
		return nil, &exitError{code: 1, err: err}
	}
	return run, nil
}

// finishRun records the end of a run; a record that cannot be stored is
// a warning on errOut, not a failure of the run.
func finishRun(ctx context.Context, errOut io.Writer, run *queue.Recording, sum *engine.Summary, runErr error) {
	if _, err := run.Finish(context.WithoutCancel(ctx), sum, runErr); err != nil {
		fmt.Fprintln(errOut, "warning: the run is not in the run history:", err)
	}
}
