package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/stored"
)

// Outcome is how an audited action ended.
type Outcome string

const (
	// OutcomeOK: the target confirmed the action.
	OutcomeOK Outcome = "ok"
	// OutcomeFailed: the action failed; Entry.Error says why.
	OutcomeFailed Outcome = "failed"
	// OutcomeDenied: the instance lacks the permission; nothing was sent.
	OutcomeDenied Outcome = "denied"
	// OutcomeSkipped: nothing needed doing (unchanged, echo, filtered out).
	OutcomeSkipped Outcome = "skipped"
	// OutcomeGuarded: the delete guard held an entity's deletes back; one
	// entry per entity and run, Entry.Error says why and how to override.
	OutcomeGuarded Outcome = "guarded"
	// OutcomeAdopted: the record was found at the partner (by a match
	// step or a lookup) and taken over instead of created; Entry.Values
	// say which fields differed and whether they were written over.
	OutcomeAdopted Outcome = "adopted"
)

// Entry is one audited action on one record.
type Entry struct {
	// ID is the entry's stream id, set on entries read back; it orders
	// entries and serves as a query cursor.
	ID string `json:"id,omitempty"`
	// Time is when the action ended, with its zone. Zero means the
	// writer's clock at writing.
	Time         time.Time          `json:"time"`
	RunID        string             `json:"runId,omitempty"`
	Organisation string             `json:"organisation,omitempty"`
	Instance     string             `json:"instance"`
	Direction    instance.Direction `json:"direction,omitempty"`
	Entity       string             `json:"entity,omitempty"`
	// Key is the home key of the record.
	Key     string          `json:"key,omitempty"`
	Action  instance.Action `json:"action"`
	Outcome Outcome         `json:"outcome"`
	// Error says why the action failed or was denied; secrets are removed
	// by the writer's Redactor.
	Error string `json:"error,omitempty"`
	// HTTPStatus of the target's answer; zero when there was none.
	HTTPStatus int `json:"httpStatus,omitempty"`
	// Duration of the action, stored in milliseconds.
	Duration time.Duration `json:"duration,omitempty"`
	// Values are record values or a diff worth keeping; the entity's
	// personal fields are masked before writing.
	Values map[string]any `json:"values,omitempty"`
	// Actor names who asked for an operator's action (run now, plan,
	// reconcile, retry, enable, disable) from the console or the admin
	// API; empty in the entries runs write.
	Actor string `json:"actor,omitempty"`
}

// An entry is one stream field, fEntry, holding a JSON array of its
// values in this order (entryFields); a trailing error and values are
// left out when empty. One field costs Redis far less than a field per
// value. An operator's action appends its actor after them, the error and
// values then written even when empty. The field's name is the entry's format version (auditFormat): a
// message without it is of a format this version does not read
// (decodeEntry).
const fEntry = string(auditFormat)

// auditFormat is the format version of an audit entry.
const auditFormat stored.Version = "v1"

// entryFields names the positions of an entry's array.
var entryFields = [...]string{"t", "run", "org", "inst", "dir", "entity", "key", "action", "outcome", "status", "ms", "error", "values", "actor"}

// encode appends e as its stream value.
func (e Entry) encode(b []byte) ([]byte, error) {
	b = append(e.Time.AppendFormat(append(b, '[', '"'), time.RFC3339Nano), '"')
	for _, s := range [...]string{e.RunID, e.Organisation, e.Instance, string(e.Direction), e.Entity, e.Key,
		string(e.Action), string(e.Outcome)} {
		b = jsonvalue.AppendString(append(b, ','), s)
	}
	b = strconv.AppendInt(append(b, ','), int64(e.HTTPStatus), 10)
	b = strconv.AppendInt(append(b, ','), e.Duration.Milliseconds(), 10)
	if e.Error != "" || len(e.Values) > 0 || e.Actor != "" {
		b = jsonvalue.AppendString(append(b, ','), e.Error)
	}
	if len(e.Values) > 0 || e.Actor != "" {
		v, err := json.Marshal(e.Values)
		if err != nil {
			return nil, fmt.Errorf("audit values of %s %s %q: %w", e.Direction, e.Entity, e.Key, err)
		}
		b = append(append(b, ','), v...)
	}
	if e.Actor != "" {
		b = jsonvalue.AppendString(append(b, ','), e.Actor)
	}
	return append(b, ']'), nil
}

// Audit writes and reads the audit logs of instances: one Redis stream
// per instance, capped by length and age. It is safe for concurrent use.
type Audit struct {
	rdb  redis.UniversalClient
	keys keys.Namespace
	cfg  AuditConfig
}

// AuditConfig configures an Audit. The zero value works.
type AuditConfig struct {
	// MaxLen caps each instance's log at about this many entries (whole
	// stream nodes are dropped, so a few more may stay). Zero means
	// DefaultAuditMaxLen.
	MaxLen int64
	// MaxAge drops entries older than this. Zero means DefaultAuditMaxAge.
	MaxAge time.Duration
	// Personal lists, per entity, the fields of Entry.Values to mask
	// (Mask).
	Personal map[string][]string
	// Redactor removes secrets from Entry.Error. Nil leaves it as is.
	Redactor *Redactor
	// Clock stamps entries without a time and dates the age cap. Nil means
	// the system clock.
	Clock clock.Clock
	// FlushEvery is how many entries an Auditor buffers before it writes
	// them. Zero means 1000, more than a page: a run writes each page's
	// entries in one round trip, once the page is committed.
	FlushEvery int
}

// NewAudit returns an Audit on rdb under namespace ns.
func NewAudit(rdb redis.UniversalClient, ns keys.Namespace, cfg AuditConfig) *Audit {
	cfg.MaxLen = cmp.Or(cfg.MaxLen, instance.DefaultAuditMaxLen)
	cfg.MaxAge = cmp.Or(cfg.MaxAge, instance.DefaultAuditMaxAge)
	cfg.FlushEvery = cmp.Or(cfg.FlushEvery, 1000)
	cfg.Clock = clock.Or(cfg.Clock)
	return &Audit{rdb: rdb, keys: ns, cfg: cfg}
}

// Write masks, redacts and appends entries to their instances' logs in one
// pipeline, then drops entries past the caps (approximately, which is
// cheap), once per log rather than with every entry.
func (a *Audit) Write(ctx context.Context, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	pipe := a.rdb.Pipeline()
	streams := map[string]string{} // instance -> its stream's key
	// The entries are encoded one after the other into one buffer, each
	// sent as its slice of it; XAdd copies its arguments at once, so one
	// XAddArgs serves them all.
	buf := make([]byte, 0, 192*len(entries))
	args := redis.XAddArgs{Values: []any{fEntry, nil}}
	for _, e := range entries {
		if e.Instance == "" {
			return fmt.Errorf("audit: entry for %s %s %q names no instance", e.Direction, e.Entity, e.Key)
		}
		start := len(buf)
		var err error
		if buf, err = a.prepare(e).encode(buf); err != nil {
			return fmt.Errorf("audit of instance %q: %w", e.Instance, err)
		}
		if args.Stream = streams[e.Instance]; args.Stream == "" {
			args.Stream = a.keys.Audit(e.Instance)
			streams[e.Instance] = args.Stream
		}
		args.Values.([]any)[1] = buf[start:len(buf):len(buf)]
		pipe.XAdd(ctx, &args)
	}
	for _, inst := range slices.Sorted(maps.Keys(streams)) {
		pipe.XTrimMaxLenApprox(ctx, streams[inst], a.cfg.MaxLen, 0)
		pipe.XTrimMinIDApprox(ctx, streams[inst], a.minID(), 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("audit: writing %d entries: %w", len(entries), err)
	}
	return nil
}

// prepare stamps, masks and redacts one entry.
func (a *Audit) prepare(e Entry) Entry {
	if e.Time.IsZero() {
		e.Time = a.cfg.Clock.Now()
	}
	e.Values = Mask(e.Values, a.cfg.Personal[e.Entity])
	e.Error = clip(a.cfg.Redactor.Redact(e.Error), maxMessageBytes)
	return e
}

// minID is the stream id before which entries are older than MaxAge.
func (a *Audit) minID() string {
	return strconv.FormatInt(a.cfg.Clock.Now().Add(-a.cfg.MaxAge).UnixMilli(), 10) + "-0"
}

// Trim applies both caps to an instance's log exactly: at most MaxLen
// entries, none older than MaxAge. Write trims approximately; Trim is for
// maintenance and tests.
func (a *Audit) Trim(ctx context.Context, instance string) error {
	key := a.keys.Audit(instance)
	pipe := a.rdb.Pipeline()
	pipe.XTrimMinID(ctx, key, a.minID())
	pipe.XTrimMaxLen(ctx, key, a.cfg.MaxLen)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("audit of instance %q: trim: %w", instance, err)
	}
	return nil
}
