package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
)

// Operator actions, as audit entries name them.
const (
	ActionRun       instance.Action = "run"
	ActionPlan      instance.Action = "plan"
	ActionReconcile instance.Action = "reconcile"
	ActionRetry     instance.Action = "retry"
	ActionEnable    instance.Action = "enable"
	ActionDisable   instance.Action = "disable"
)

// errDisabled is matched by the error of enqueueTask for a disabled
// instance.
var errDisabled = errors.New("the instance is disabled; enable it first")

// errPending is matched by the error of enqueueTask when a task of the
// same kind is already pending or running for the instance.
var errPending = errors.New("one is already pending or running")

// actionOf is the audited action of a task type.
func actionOf(typ string) instance.Action {
	switch typ {
	case queue.TaskRetry:
		return ActionRetry
	case queue.TaskReconcile:
		return ActionReconcile
	}
	return ActionRun
}

// enqueueTask enqueues a run, a ledger retry or a reconciliation of inst
// now, with p's options.
func (s *Server) enqueueTask(ctx context.Context, typ string, inst *instance.Instance, p queue.RunPayload) error {
	if !inst.Enabled {
		return fmt.Errorf("%s of %q: %w", typ, inst.ID, errDisabled)
	}
	p.Instance, p.Trigger = inst.ID, queue.TriggerManual
	newTask := queue.NewRunTask
	switch typ {
	case queue.TaskRetry:
		newTask = queue.NewRetryTask
	case queue.TaskReconcile:
		newTask = queue.NewReconcileTask
	}
	task, err := newTask(p, s.route())
	if err == nil {
		_, err = s.client.EnqueueContext(ctx, task)
	}
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		s.cfg.Metrics.EnqueueSkipped(typ, p.Instance)
		return fmt.Errorf("%s of %q: %w", typ, inst.ID, errPending)
	}
	if err != nil {
		return fmt.Errorf("%s of %q: enqueue: %w", typ, inst.ID, err)
	}
	return nil
}

// setEnabled enables or disables inst.
func (s *Server) setEnabled(ctx context.Context, inst *instance.Instance, on bool) error {
	if on {
		return s.store.Enable(ctx, inst.ID)
	}
	return s.store.Disable(ctx, inst.ID)
}

// auditAction writes who asked for an operator's action on inst, with
// its options and, when it failed, why.
func (s *Server) auditAction(ctx context.Context, p Principal, inst *instance.Instance, action instance.Action, options map[string]any, err error) {
	e := store.Entry{Instance: inst.ID, Organisation: inst.Organisation, Action: action, Outcome: store.OutcomeOK, Actor: p.Name, Values: options}
	if err != nil {
		e.Outcome, e.Error = store.OutcomeFailed, err.Error()
	}
	if err := store.NewAudit(s.cfg.Redis, s.cfg.Keys, store.AuditConfig{Clock: s.cfg.Clock}).Write(ctx, e); err != nil {
		s.cfg.Logger.Error("audit of an operator's action", "instance", inst.ID, "action", action, "err", err)
	}
}

// payloadOptions are the options of p an audit entry records; nil when
// none is set.
func payloadOptions(p queue.RunPayload) map[string]any {
	out := map[string]any{}
	for name, on := range map[string]bool{"full": p.Full, "allowDeletes": p.DeleteOverride, "repair": p.Repair} {
		if on {
			out[name] = true
		}
	}
	if p.Entity != "" {
		out["entity"] = p.Entity
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
