package instance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/stored"
	"github.com/specsync/specsync/specs"
)

// ErrNotFound is matched (errors.Is) by the errors of InstanceStore
// methods that name an instance the store does not have.
var ErrNotFound = errors.New("not found")

// InvalidInstanceError is returned by InstanceStore.Apply for an instance
// with error findings; nothing is stored.
type InvalidInstanceError struct {
	ID       string
	Findings specs.Findings
}

// Error lists the error findings.
func (e *InvalidInstanceError) Error() string {
	var msgs []string
	for _, f := range e.Findings {
		if f.Severity == specs.SeverityError {
			msgs = append(msgs, fmt.Sprintf("%s: %s", pointerOrRoot(f.Pointer), f.Message))
		}
	}
	return fmt.Sprintf("instance %q is invalid: %s", e.ID, strings.Join(msgs, "; "))
}

// pointerOrRoot returns p, or "/" for the root.
func pointerOrRoot(p string) string { return orDefault(p, "/") }

// Change says what Apply did.
type Change string

const (
	// Created: the store did not have the instance.
	Created Change = "created"
	// Updated: the stored instance differed and was replaced.
	Updated Change = "updated"
	// Changed: the instance was the same, but the content of its model,
	// a spec or a file they refer to differed; the new content was stored.
	Changed Change = "changed"
	// Unchanged: the stored instance was the same; nothing was written.
	Unchanged Change = "unchanged"
)

// InstanceStore keeps instances in Redis: each as JSON marked with its
// format version under keys.Instance(id), with a set of all ids, a set per organisation, and a
// version counter that grows on every change so that a scheduler can
// notice changes by polling one key. All these keys share one Cluster
// slot, so every change is one transaction.
//
// An instance is stored with the content of its documents (its model,
// specs and the files they refer to), each under keys.Document in the
// instance's slot and named in the stored instance by its hash; runs load
// that content (Files), never the files on disk.
//
// Deleting an instance removes it from the registry only; its state,
// failure ledger and audit log stay, and applying the same id again
// resumes them.
//
// An InstanceStore is safe for concurrent use.
type InstanceStore struct {
	rdb  redis.UniversalClient
	keys keys.Namespace
}

// NewInstanceStore returns a store on rdb under the key namespace ns.
func NewInstanceStore(rdb redis.UniversalClient, ns keys.Namespace) *InstanceStore {
	return &InstanceStore{rdb: rdb, keys: ns}
}

// Keys returns the namespace the store's keys are under: the
// installation's.
func (s *InstanceStore) Keys() keys.Namespace { return s.keys }

// maxTxRetries bounds the optimistic-lock retries of one change.
const maxTxRetries = 10

// Apply validates inst (ValidateInstance) and stores it with the content
// of its documents: files must hold the model, both specs and every file
// their loads read (a specs.FileRecorder's Files, see Capture). It
// replaces the instance with the same id and reports Created, Updated,
// Changed (only a document's content differs) or Unchanged. An instance
// with error findings is refused with an *InvalidInstanceError; warnings
// do not stop it.
func (s *InstanceStore) Apply(ctx context.Context, inst *Instance, files specs.FileSet) (Change, error) {
	found := ValidateInstance(inst)
	if found.HasErrors() {
		id := ""
		if inst != nil {
			id = inst.ID
		}
		return "", &InvalidInstanceError{ID: id, Findings: found}
	}
	docs, err := documentsOf(inst, files)
	if err != nil {
		return "", fmt.Errorf("apply instance %q: %w", inst.ID, err)
	}
	if err := s.putDocuments(ctx, inst.ID, docs, files); err != nil {
		return "", fmt.Errorf("apply instance %q: %w", inst.ID, err)
	}
	applied := *inst
	applied.Documents = docs
	change, old, err := s.store(ctx, &applied)
	if err != nil {
		return "", fmt.Errorf("apply instance %q: %w", inst.ID, err)
	}
	if err := s.keepDocuments(ctx, inst.ID, old, docs); err != nil {
		return "", fmt.Errorf("apply instance %q: %w", inst.ID, err)
	}
	return change, nil
}

// store writes inst, with its documents, unless the stored one is the
// same. It returns the documents of the instance it replaced.
func (s *InstanceStore) store(ctx context.Context, inst *Instance) (Change, Documents, error) {
	data, err := encodeStored(inst)
	if err != nil {
		return "", nil, err
	}
	var change Change
	var old Documents
	err = s.update(ctx, inst.ID, func(prev *Instance) (storeOp, error) {
		change, old = changeOf(prev, inst), nil
		if prev != nil {
			old = prev.Documents
		}
		if change == Unchanged {
			return storeOp{}, nil
		}
		return storeOp{inst: inst, data: data}, nil
	})
	return change, old, err
}

// changeOf compares the stored instance with the new one.
func changeOf(old, inst *Instance) Change {
	switch {
	case old == nil:
		return Created
	case !sameSettings(old, inst):
		return Updated
	case len(ChangedDocuments(old.Documents, inst.Documents)) > 0:
		return Changed
	}
	return Unchanged
}

// sameSettings reports whether a and b are the same but for their
// documents.
func sameSettings(a, b *Instance) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}

// Get returns the instance with id; the error matches ErrNotFound when
// there is none.
func (s *InstanceStore) Get(ctx context.Context, id string) (*Instance, error) {
	inst, err := s.get(ctx, s.rdb, id)
	if err == nil && inst == nil {
		err = fmt.Errorf("instance %q: %w", id, ErrNotFound)
	}
	return inst, err
}

// get reads one instance through c (the client or a transaction); a
// missing instance is nil without error.
func (s *InstanceStore) get(ctx context.Context, c redis.Cmdable, id string) (*Instance, error) {
	data, err := c.Get(ctx, s.keys.Instance(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read instance %q: %w", id, err)
	}
	return decodeStored(id, s.keys.Instance(id), data)
}

// instanceFormat marks every stored instance with the version of its
// format: "v2 " and the JSON of a storedRecord.
const instanceFormat stored.Version = "v2"

// storedRecord is what the store keeps of an instance: the instance
// and the documents it was applied with.
type storedRecord struct {
	Instance  *Instance `json:"instance"`
	Documents Documents `json:"documents"`
}

// encodeStored encodes inst as the store keeps it, without its mark.
func encodeStored(inst *Instance) ([]byte, error) {
	data, err := json.Marshal(storedRecord{Instance: inst, Documents: inst.Documents})
	if err != nil {
		return nil, fmt.Errorf("encoding: %w", err)
	}
	return data, nil
}

// decodeStored decodes the stored instance with id, which the store keeps
// under key. An instance of another format is refused with a
// *stored.FormatError.
func decodeStored(id, key string, data []byte) (*Instance, error) {
	what := fmt.Sprintf("stored instance %q", id)
	js, ok := instanceFormat.Open(string(data))
	if !ok {
		return nil, instanceFormat.Refuse(string(data), what, fmt.Sprintf("remove it (the key %s) and apply the instance again", key))
	}
	var rec storedRecord
	if err := json.Unmarshal([]byte(js), &rec); err != nil || rec.Instance == nil {
		if err == nil {
			err = errors.New("it holds no instance")
		}
		return nil, stored.Damaged(what+" (remove the key "+key+" and apply the instance again)", err)
	}
	rec.Instance.Documents = rec.Documents
	return rec.Instance, nil
}

// ListFilter narrows List.
type ListFilter struct {
	// Organisation keeps only its instances. Empty means all.
	Organisation string
	// EnabledOnly keeps only enabled instances.
	EnabledOnly bool
}

// List returns the stored instances matching f, ordered by id.
func (s *InstanceStore) List(ctx context.Context, f ListFilter) ([]*Instance, error) {
	index := s.keys.Instances()
	if f.Organisation != "" {
		index = s.keys.Organisation(f.Organisation)
	}
	ids, err := s.rdb.SMembers(ctx, index).Result()
	if err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	slices.Sort(ids)
	return s.getMany(ctx, ids, f.EnabledOnly)
}

// getMany reads the instances with ids in one round trip; ids whose
// instance vanished meanwhile are left out.
func (s *InstanceStore) getMany(ctx context.Context, ids []string, enabledOnly bool) ([]*Instance, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = s.keys.Instance(id)
	}
	vals, err := s.rdb.MGet(ctx, names...).Result()
	if err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	var out []*Instance
	for i, v := range vals {
		data, ok := v.(string)
		if !ok {
			continue
		}
		inst, err := decodeStored(ids[i], names[i], []byte(data))
		if err != nil {
			return nil, fmt.Errorf("list instances: %w", err)
		}
		if inst.Enabled || !enabledOnly {
			out = append(out, inst)
		}
	}
	return out, nil
}

// Enable lets the instance with id run on its schedule.
func (s *InstanceStore) Enable(ctx context.Context, id string) error {
	return s.setEnabled(ctx, id, true)
}

// Disable stops the instance with id from running; its state is kept.
func (s *InstanceStore) Disable(ctx context.Context, id string) error {
	return s.setEnabled(ctx, id, false)
}

// setEnabled switches the enabled flag; no change when it already is so.
func (s *InstanceStore) setEnabled(ctx context.Context, id string, on bool) error {
	verb := map[bool]string{true: "enable", false: "disable"}[on]
	err := s.update(ctx, id, func(old *Instance) (storeOp, error) {
		if old == nil {
			return storeOp{}, errNoInstance
		}
		if old.Enabled == on {
			return storeOp{}, nil
		}
		old.Enabled = on
		data, err := encodeStored(old)
		return storeOp{inst: old, data: data}, err
	})
	if err != nil {
		return fmt.Errorf("%s instance %q: %w", verb, id, err)
	}
	return nil
}

// Delete removes the instance with id from the registry. Its state,
// ledger and audit log stay; its documents expire after DocumentGrace.
func (s *InstanceStore) Delete(ctx context.Context, id string) error {
	var docs Documents
	err := s.update(ctx, id, func(old *Instance) (storeOp, error) {
		if old == nil {
			return storeOp{}, errNoInstance
		}
		docs = old.Documents
		return storeOp{remove: true}, nil
	})
	if err == nil {
		err = s.keepDocuments(ctx, id, docs, nil)
	}
	if err != nil {
		return fmt.Errorf("delete instance %q: %w", id, err)
	}
	return nil
}

// Version returns the registry's change counter: it grows by one on
// every stored change and is 0 before the first.
func (s *InstanceStore) Version(ctx context.Context) (int64, error) {
	v, err := s.rdb.Get(ctx, s.keys.InstancesVersion()).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read instance registry version: %w", err)
	}
	return v, nil
}
