package store

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/stored"
)

// Ledger is the failure ledger of one instance: the records that failed,
// with their reason, how often they failed and when, until a later run
// writes them successfully. A run retries the ledger's keys of an entity
// even when an incremental read does not return them.
//
// Each direction and entity has a Redis hash from home key to the failure
// (JSON), so "every failed key of entity X" is one HKEYS; an index sorted
// by the time of the last failure lists failures across entities, newest
// first. Failing a batch is one atomic script call; clearing one is one
// transaction.
//
// A Ledger is safe for concurrent use.
type Ledger struct {
	rdb      redis.UniversalClient
	keys     keys.Namespace
	instance string
	clock    clock.Clock
	redactor *Redactor
}

// LedgerConfig configures a Ledger.
type LedgerConfig struct {
	// Clock stamps failures. Nil means the system clock.
	Clock clock.Clock
	// Redactor removes secrets from failure messages. Nil stores messages
	// as given; connectors already keep secrets out of their errors.
	Redactor *Redactor
}

// NewLedger returns the failure ledger of instance.
func NewLedger(rdb redis.UniversalClient, ns keys.Namespace, instance string, cfg LedgerConfig) *Ledger {
	return &Ledger{rdb: rdb, keys: ns, instance: instance, clock: clock.Or(cfg.Clock), redactor: cfg.Redactor}
}

// Reason says why a record failed.
type Reason struct {
	// Code is a stable, machine-readable cause ("http-422",
	// "missing-reference", "validation"): the text of an engine.FailureCode,
	// listed in docs/failure-codes.md. The store keeps it as text.
	Code string `json:"code"`
	// Message says what happened and what to do, for operators. It must not
	// hold secrets; the ledger's Redactor removes known ones.
	Message string `json:"message"`
}

// Failed is one record that failed in a batch.
type Failed struct {
	// Key is the home key.
	Key    string
	Reason Reason
	// RunID is the run the failure happened in; empty for none.
	RunID string
}

// Failure is one entry of the ledger.
type Failure struct {
	Direction instance.Direction `json:"direction"`
	Entity    string             `json:"entity"`
	Key       string             `json:"key"`
	Reason    Reason             `json:"reason"`
	// Attempts counts the failures since the last success, at least 1.
	Attempts int `json:"attempts"`
	// First and Last are the first and latest failure, in UTC.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// RunID is the run of the latest failure.
	RunID string `json:"runId,omitempty"`
}

// maxMessageBytes caps a stored failure message.
const maxMessageBytes = 2000

// failBatch is how many failures one script call stores.
const failBatch = 500

//go:embed ledger_fail.lua
var failScriptSource string

// failScript stores failures atomically; a compiled script is immutable
// and shared by every Ledger.
var failScript = redis.NewScript(failScriptSource)

// Fail records failures of records of dir and entity: a new key starts at
// one attempt, a known one counts one more and keeps its first time.
func (l *Ledger) Fail(ctx context.Context, dir instance.Direction, entity string, failed ...Failed) error {
	if !dir.Valid() {
		return fmt.Errorf("ledger of instance %q: direction %q is neither push nor pull", l.instance, dir)
	}
	for start := 0; start < len(failed); start += failBatch {
		chunk := failed[start:min(start+failBatch, len(failed))]
		if err := l.failChunk(ctx, dir, entity, chunk); err != nil {
			return l.errorf(err, "record failures", dir, entity)
		}
	}
	return nil
}

// failChunk runs the script for one chunk.
func (l *Ledger) failChunk(ctx context.Context, dir instance.Direction, entity string, failed []Failed) error {
	keys := []string{l.keys.Failures(l.instance, string(dir), entity), l.keys.FailureIndex(l.instance)}
	args := make([]any, 0, 2+5*len(failed))
	args = append(args, l.clock.Now().UnixMilli(), string(failureFormat))
	for _, f := range failed {
		if f.Key == "" {
			return errEmptyKey
		}
		msg := clip(l.redactor.Redact(f.Reason.Message), maxMessageBytes)
		code := clip(l.redactor.Redact(f.Reason.Code), 200)
		args = append(args, f.Key, indexMember(dir, entity, f.Key), code, msg, f.RunID)
	}
	return failScript.Run(ctx, l.rdb, keys, args...).Err()
}

// Clear removes keys of dir and entity from the ledger after they were
// written successfully; unknown keys are ignored. One round trip.
func (l *Ledger) Clear(ctx context.Context, dir instance.Direction, entity string, homeKeys ...string) error {
	if len(homeKeys) == 0 {
		return nil
	}
	members := make([]any, len(homeKeys))
	for i, k := range homeKeys {
		members[i] = indexMember(dir, entity, k)
	}
	_, err := l.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, l.keys.Failures(l.instance, string(dir), entity), homeKeys...)
		p.ZRem(ctx, l.keys.FailureIndex(l.instance), members...)
		return nil
	})
	if err != nil {
		return l.errorf(err, "clear failures", dir, entity)
	}
	return nil
}

// Keys returns the failed home keys of dir and entity, unordered: the
// records a run retries.
func (l *Ledger) Keys(ctx context.Context, dir instance.Direction, entity string) ([]string, error) {
	ks, err := l.rdb.HKeys(ctx, l.keys.Failures(l.instance, string(dir), entity)).Result()
	if err != nil {
		return nil, l.errorf(err, "list failed keys", dir, entity)
	}
	return ks, nil
}

// Get returns the failure of one key, or nil when the key has none.
func (l *Ledger) Get(ctx context.Context, dir instance.Direction, entity, key string) (*Failure, error) {
	got, err := l.load(ctx, dir, entity, []string{key})
	if err != nil {
		return nil, l.errorf(err, "read failure", dir, entity)
	}
	if len(got) == 0 {
		return nil, nil
	}
	return &got[0], nil
}

// errorf wraps a Redis error with the operation and where it happened.
func (l *Ledger) errorf(err error, op string, dir instance.Direction, entity string) error {
	return fmt.Errorf("failure ledger of instance %q: %s %s %s: %w", l.instance, op, dir, entity, err)
}

// failureFormat marks every stored failure with the version of its
// format: "v1 " and the JSON of a storedFailure.
const failureFormat stored.Version = "v1"

// storedFailure is the JSON the script stores per key.
type storedFailure struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Attempts int    `json:"attempts"`
	First    int64  `json:"first"`
	Last     int64  `json:"last"`
	Run      string `json:"run"`
}

// decodeFailure decodes a stored failure of key. A failure of another
// format is refused with a *FormatError.
func (l *Ledger) decodeFailure(dir instance.Direction, entity, key, data string) (Failure, error) {
	what := fmt.Sprintf("failure ledger of instance %q, %s %s %q", l.instance, dir, entity, key)
	js, ok := failureFormat.Open(data)
	if !ok {
		remedy := fmt.Sprintf("remove the failure (HDEL %s %q); the record is tried again when it next changes or at the next complete read",
			l.keys.Failures(l.instance, string(dir), entity), key)
		return Failure{}, failureFormat.Refuse(data, what, remedy)
	}
	var s storedFailure
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return Failure{}, stored.Damaged(what, err)
	}
	return Failure{
		Direction: dir, Entity: entity, Key: key,
		Reason:   Reason{Code: s.Code, Message: s.Message},
		Attempts: s.Attempts, RunID: s.Run,
		First: time.UnixMilli(s.First).UTC(), Last: time.UnixMilli(s.Last).UTC(),
	}, nil
}

// indexMember names a failure in the instance's index.
func indexMember(dir instance.Direction, entity, key string) string {
	b, _ := json.Marshal([]string{string(dir), entity, key}) // strings always encode
	return string(b)
}

// parseMember reverses indexMember.
func parseMember(m string) (instance.Direction, string, string, bool) {
	var parts []string
	if json.Unmarshal([]byte(m), &parts) != nil || len(parts) != 3 {
		return "", "", "", false
	}
	return instance.Direction(parts[0]), parts[1], parts[2], true
}

// clip shortens s to at most n bytes on a rune boundary, as valid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
