package queue

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/stored"
)

// Run outcomes of a RunRecord.
const (
	RunActive  = "running"
	RunOK      = "ok"
	RunPartial = "partial"
	RunFailed  = "failed"
	RunSkipped = "skipped"
)

// DefaultHistoryLen is how many run records History keeps per instance
// when HistoryConfig.MaxLen is zero.
const DefaultHistoryLen = 100

// RunRecord is what the queue remembers of one run.
type RunRecord struct {
	ID           string `json:"id"`
	Instance     string `json:"instance"`
	Organisation string `json:"organisation,omitempty"`
	Task         string `json:"task"`
	Trigger      string `json:"trigger,omitempty"`
	// Event and EventID name the webhook event of a record sync (trigger
	// webhook): its type and, when the sender gives one, its id.
	Event    string    `json:"event,omitempty"`
	EventID  string    `json:"eventId,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Outcome  string    `json:"outcome"`
	// Entities counts records per direction and entity.
	Entities []EntityCounts `json:"entities,omitempty"`
	// Failed is how many records failed in this run.
	Failed int64 `json:"failed"`
	// NewFailures is how many of the failed records had not failed before
	// (at most newFailureScan are looked at).
	NewFailures int64 `json:"newFailures"`
	// Guarded is how many deletes the delete guard held back; a run with
	// any is partial and notified.
	Guarded int64 `json:"guarded,omitempty"`
	// Drift is how many records a reconciliation found drifted at the
	// partner, Repaired how many of them it wrote back; drift left makes
	// it partial and is notified.
	Drift    int64 `json:"drift,omitempty"`
	Repaired int64 `json:"repaired,omitempty"`
	// Error says why a run failed as a whole (secrets redacted by the
	// engine). Empty for ok and partial runs.
	Error string `json:"error,omitempty"`
}

// EntityCounts counts the records of one entity in one run, by outcome
// ("created", "updated", "unchanged", "failed"...).
type EntityCounts struct {
	Direction instance.Direction `json:"direction"`
	Entity    string             `json:"entity"`
	Counts    map[string]int64   `json:"counts"`
}

// Duration is how long the run took; zero while it runs.
func (r RunRecord) Duration() time.Duration {
	if r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// HistoryConfig tunes a History. The zero value works.
type HistoryConfig struct {
	// MaxLen caps the records kept per instance. Zero means
	// DefaultHistoryLen.
	MaxLen int64
}

// History keeps the recent run records of each instance in Redis: a
// capped list, newest first, and the record of the run in progress. It is
// safe for concurrent use.
type History struct {
	rdb redis.UniversalClient
	ns  keys.Namespace
	max int64
}

// NewHistory returns the run history under ns.
func NewHistory(rdb redis.UniversalClient, ns keys.Namespace, cfg HistoryConfig) *History {
	return &History{rdb: rdb, ns: ns, max: cmp.Or(cfg.MaxLen, DefaultHistoryLen)}
}

// listKey names the capped list of instance's records.
func (h *History) listKey(instance string) string {
	return h.ns.Runs(instance)
}

// activeKey names the record of instance's run in progress.
func (h *History) activeKey(instance string) string {
	return h.ns.ActiveRun(instance)
}

// runFormat marks every stored run record with the version of its
// format: "v1 " and the record's JSON.
const runFormat stored.Version = "v1"

// encode returns rec as the value to store.
func encode(rec RunRecord) (string, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return "", fmt.Errorf("run history: encode %s: %w", rec.ID, err)
	}
	return runFormat.Mark(string(data)), nil
}

// decode reads a run record of instance stored under key. A record of
// another format is refused with a *stored.FormatError.
func decode(instance, key, value string) (RunRecord, error) {
	what := fmt.Sprintf("run history of instance %q", instance)
	data, ok := runFormat.Open(value)
	if !ok {
		remedy := fmt.Sprintf("remove the records of other versions (the key %s); the next run starts the history again", key)
		return RunRecord{}, runFormat.Refuse(value, what, remedy)
	}
	var rec RunRecord
	if err := json.Unmarshal([]byte(data), &rec); err != nil {
		return RunRecord{}, stored.Damaged(what+", key "+key, err)
	}
	return rec, nil
}

// Start records rec as the run in progress of its instance.
func (h *History) Start(ctx context.Context, rec RunRecord) error {
	data, err := encode(rec)
	if err != nil {
		return err
	}
	if err := h.rdb.Set(ctx, h.activeKey(rec.Instance), data, 0).Err(); err != nil {
		return fmt.Errorf("run history: start %s of %q: %w", rec.ID, rec.Instance, err)
	}
	return nil
}

// Finish adds rec to its instance's history, drops the oldest beyond the
// cap and clears the run in progress, in one transaction.
func (h *History) Finish(ctx context.Context, rec RunRecord) error {
	data, err := encode(rec)
	if err != nil {
		return err
	}
	_, err = h.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, h.listKey(rec.Instance), data)
		p.LTrim(ctx, h.listKey(rec.Instance), 0, h.max-1)
		p.Del(ctx, h.activeKey(rec.Instance))
		return nil
	})
	if err != nil {
		return fmt.Errorf("run history: finish %s of %q: %w", rec.ID, rec.Instance, err)
	}
	return nil
}

// Active returns the run in progress of instance, or nil.
func (h *History) Active(ctx context.Context, instance string) (*RunRecord, error) {
	key := h.activeKey(instance)
	data, err := h.rdb.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("run history: active run of %q: %w", instance, err)
	}
	rec, err := decode(instance, key, data)
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// List returns up to limit records of instance from offset, newest first.
// A limit of zero or less means all that are kept.
func (h *History) List(ctx context.Context, instance string, offset, limit int64) ([]RunRecord, error) {
	stop := int64(-1)
	if limit > 0 {
		stop = offset + limit - 1
	}
	key := h.listKey(instance)
	vals, err := h.rdb.LRange(ctx, key, offset, stop).Result()
	if err != nil {
		return nil, fmt.Errorf("run history of %q: %w", instance, err)
	}
	out := make([]RunRecord, 0, len(vals))
	for _, v := range vals {
		rec, err := decode(instance, key, v)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// Last returns the newest finished record of instance, or nil.
func (h *History) Last(ctx context.Context, instance string) (*RunRecord, error) {
	recs, err := h.List(ctx, instance, 0, 1)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return &recs[0], nil
}

// Get finds the record of run id among instance's kept records.
func (h *History) Get(ctx context.Context, instance, id string) (*RunRecord, error) {
	if rec, err := h.Active(ctx, instance); err != nil || (rec != nil && rec.ID == id) {
		return rec, err
	}
	recs, err := h.List(ctx, instance, 0, 0)
	if err != nil {
		return nil, err
	}
	for i := range recs {
		if recs[i].ID == id {
			return &recs[i], nil
		}
	}
	return nil, nil
}
