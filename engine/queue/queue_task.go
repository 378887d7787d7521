package queue

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
)

// Task types of the queue.
const (
	// TaskRun runs one instance. Its task id is the instance's, so two
	// runs of one instance never overlap.
	TaskRun = "sync:run"
	// TaskRecord syncs one record named by a webhook event.
	TaskRecord = "sync:record"
	// TaskRetry retries the failure ledger of one instance.
	TaskRetry = "sync:retry"
	// TaskReconcile compares the partner's records of one instance with
	// the home's payloads and, when its payload says so, repairs them.
	TaskReconcile = "sync:reconcile"
)

// Timeouts of tasks: asynq cancels a task after 30 minutes unless told
// otherwise, too short for a large nightly run.
const (
	RunTimeout    = 12 * time.Hour
	RecordTimeout = 10 * time.Minute
)

// TaskRetries is how often asynq retries a task that could not start
// (the instance busy with another task, Redis unreachable). A run whose
// records fail is not retried by the queue: the failure ledger keeps them.
const TaskRetries = 20

// Route says where an installation's tasks go and whose they are. The
// queue is derived from the key prefix, so installations with different
// prefixes on one Redis use different queues; the prefix also travels in
// every payload, and a worker refuses a task of another prefix (see
// ErrForeignTask). The zero value is the route of keys.DefaultPrefix.
type Route struct {
	// Keys is the installation's namespace; its prefix goes into every
	// payload. The zero value uses keys.DefaultPrefix.
	Keys keys.Namespace
	// Queue is the asynq queue. Empty means Keys.Queue(), the prefix
	// without its trailing ":".
	Queue string
}

// QueueName returns the asynq queue of r.
func (r Route) QueueName() string { return cmp.Or(r.Queue, r.Keys.Queue()) }

// ErrForeignTask marks a task whose payload names another installation's
// key prefix (or none): the worker refuses it, logs it as an error and
// asynq archives it, where the queue monitor shows it.
var ErrForeignTask = errors.New("task of another installation")

// Triggers say what started a run; they appear in run records (see
// Recorder).
const (
	// TriggerSchedule: the instance's schedule (cron, reconcileCron).
	TriggerSchedule = "schedule"
	// TriggerManual: an operator, through the admin API.
	TriggerManual = "manual"
	// TriggerWebhook: a webhook event, for the records it names.
	TriggerWebhook = "webhook"
	// TriggerRetry: the scheduled retry of the failure ledger.
	TriggerRetry = "retry"
	// TriggerCLI: the command line (specsync sync, specsync reconcile).
	TriggerCLI = "cli"
	// TriggerDemo: specsync demo's rounds.
	TriggerDemo = "demo"
)

// RunPayload is the payload of a TaskRun, TaskRetry or TaskReconcile
// task.
type RunPayload struct {
	// Prefix is the key prefix of the installation that enqueued the task;
	// the task constructors set it from the Route. Required.
	Prefix string `json:"prefix"`
	// Instance is the id of the instance to run. Required.
	Instance string `json:"instance"`
	// Trigger says why the run was enqueued (TriggerSchedule...).
	Trigger string `json:"trigger,omitempty"`
	// Full reads everything even where an incremental read is possible.
	Full bool `json:"full,omitempty"`
	// DeleteOverride lets the run delete more than the delete guard allows.
	DeleteOverride bool `json:"deleteOverride,omitempty"`
	// Repair, for TaskReconcile, writes the home's values back.
	Repair bool `json:"repair,omitempty"`
	// Entity, for TaskReconcile, narrows it to one partner entity. Empty
	// means every pushed entity.
	Entity string `json:"entity,omitempty"`
}

// RecordPayload is the payload of a TaskRecord task.
type RecordPayload struct {
	// Prefix is as in RunPayload. Required.
	Prefix string `json:"prefix"`
	// Instance is the id of the instance. Required.
	Instance string `json:"instance"`
	// Direction is the way the record flows.
	Direction instance.Direction `json:"direction"`
	// Entity is the partner spec's entity.
	Entity string `json:"entity"`
	// Key is the record's key (or id) as the event named it.
	Key string `json:"key"`
	// Action is "upsert" or "delete".
	Action string `json:"action"`
	// Event is the event type that triggered the sync.
	Event string `json:"event,omitempty"`
	// EventID is the event's id, when the sender gives one.
	EventID string `json:"eventId,omitempty"`
	// Delivery is the digest of the delivery (Delivery.Digest): the
	// records of one delivery are one task each, of different deliveries
	// different tasks.
	Delivery string `json:"delivery,omitempty"`
}

// RunTaskID is the task id of every run of instance: asynq refuses a
// second task with the same id while the first is pending or active.
func RunTaskID(instance string) string { return "run:" + instance }

// RetryTaskID is the task id of the ledger retry of instance.
func RetryTaskID(instance string) string { return "retry:" + instance }

// ReconcileTaskID is the task id of the reconciliation of instance.
func ReconcileTaskID(instance string) string { return "reconcile:" + instance }

// RecordTaskID is the task id of a single-record sync: one per instance,
// direction, entity, key, action and delivery within each window, so a
// task enqueued twice inside the window is one task, while a delete that
// follows a change, or another event for the record, is not taken for a
// repeat. (A repeated delivery is recognised before it is enqueued, by
// SeenEvents, for the whole window.)
func RecordTaskID(p RecordPayload, at time.Time, window time.Duration) string {
	slot := at.Truncate(window).Unix()
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%d", p.Instance, p.Direction, p.Entity, p.Key, p.Action, p.Delivery, slot))
	return "record:" + p.Instance + ":" + hex.EncodeToString(sum[:12])
}

// NewRunTask returns the task that runs p.Instance, unique per instance.
func NewRunTask(p RunPayload, r Route) (*asynq.Task, error) {
	p.Prefix = r.Keys.Prefix()
	return newTask(TaskRun, p, asynq.TaskID(RunTaskID(p.Instance)), asynq.Queue(r.QueueName()), asynq.MaxRetry(TaskRetries), asynq.Timeout(RunTimeout))
}

// NewRetryTask returns the task that retries the failure ledger of
// p.Instance, unique per instance.
func NewRetryTask(p RunPayload, r Route) (*asynq.Task, error) {
	p.Prefix = r.Keys.Prefix()
	return newTask(TaskRetry, p, asynq.TaskID(RetryTaskID(p.Instance)), asynq.Queue(r.QueueName()), asynq.MaxRetry(TaskRetries), asynq.Timeout(RunTimeout))
}

// NewReconcileTask returns the task that reconciles p.Instance, unique
// per instance.
func NewReconcileTask(p RunPayload, r Route) (*asynq.Task, error) {
	p.Prefix = r.Keys.Prefix()
	return newTask(TaskReconcile, p, asynq.TaskID(ReconcileTaskID(p.Instance)), asynq.Queue(r.QueueName()), asynq.MaxRetry(TaskRetries), asynq.Timeout(RunTimeout))
}

// NewRecordTask returns the task that syncs one record, deduplicated by
// RecordTaskID within window.
func NewRecordTask(p RecordPayload, r Route, at time.Time, window time.Duration) (*asynq.Task, error) {
	p.Prefix = r.Keys.Prefix()
	return newTask(TaskRecord, p, asynq.TaskID(RecordTaskID(p, at, window)), asynq.Queue(r.QueueName()), asynq.MaxRetry(TaskRetries), asynq.Timeout(RecordTimeout))
}

// newTask encodes payload into a task of type typ.
func newTask(typ string, payload any, opts ...asynq.Option) (*asynq.Task, error) {
	data, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("%s: encode payload: %w", typ, err)
	}
	return asynq.NewTask(typ, data, opts...), nil
}

// owned is a payload that names its installation and instance.
type owned interface {
	owner() (prefix, instance string)
}

func (p RunPayload) owner() (string, string)    { return p.Prefix, p.Instance }
func (p RecordPayload) owner() (string, string) { return p.Prefix, p.Instance }

// decodePayload decodes a task's payload, refusing one without an
// instance or of another installation than prefix; asynq.SkipRetry marks
// the refusal permanent, so asynq archives the task.
func decodePayload[T owned](t *asynq.Task, prefix string) (T, error) {
	var p T
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return p, fmt.Errorf("%s: bad payload: %w: %w", t.Type(), err, asynq.SkipRetry)
	}
	from, inst := p.owner()
	if from != prefix {
		return p, fmt.Errorf("%s of instance %q: %w: its key prefix is %q, this worker's %q; check that every process of an installation runs with the same --prefix and --queue: %w",
			t.Type(), inst, ErrForeignTask, from, prefix, asynq.SkipRetry)
	}
	if inst == "" {
		return p, fmt.Errorf("%s: payload names no instance: %w", t.Type(), asynq.SkipRetry)
	}
	return p, nil
}
