package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

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

// startRun opens the stored instance id for a command-line run of task
// over entity ("" for all) and records its start. A mistyped entity and
// a disabled instance are refused before anything is recorded. The
// caller closes the opened run.
func startRun(cmd *cobra.Command, sf *stateFlags, id, entity, task string) (*openedRun, *queue.Recording, error) {
	o, err := sf.openRun(cmd, id)
	if err != nil {
		return nil, nil, err
	}
	err = unknownEntity(o.loaded, entity)
	if err == nil {
		err = disabledInstance(o.loaded.Instance)
	}
	var run *queue.Recording
	if err == nil {
		run, err = beginRun(cmd.Context(), o.recorder, o.loaded.Instance, task, queue.TriggerCLI)
	}
	if err != nil {
		o.close()
		return nil, nil, err
	}
	return o, run, nil
}

// finishRun records the end of a run; a record that cannot be stored is
// a warning on errOut, not a failure of the run.
func finishRun(ctx context.Context, errOut io.Writer, run *queue.Recording, sum *engine.Summary, runErr error) {
	if _, err := run.Finish(context.WithoutCancel(ctx), sum, runErr); err != nil {
		fmt.Fprintln(errOut, "warning: the run is not in the run history:", err)
	}
}
