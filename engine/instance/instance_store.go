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
	// Unchanged: the stored instance was the same; nothing was written.
	Unchanged Change = "unchanged"
)

// InstanceStore keeps instances in Redis: each as JSON under
// keys.Instance(id), with a set of all ids, a set per organisation, and a
// version counter that grows on every change so that a scheduler can
// notice changes by polling one key. All these keys share one Cluster
// slot, so every change is one transaction.
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

// maxTxRetries bounds the optimistic-lock retries of one change.
const maxTxRetries = 10

// Apply validates inst (ValidateInstance) and stores it, replacing the
// instance with the same id. An instance with error findings is refused
// with an *InvalidInstanceError; warnings do not stop it.
func (s *InstanceStore) Apply(ctx context.Context, inst *Instance) (Change, error) {
	found := ValidateInstance(inst)
	if found.HasErrors() {
		id := ""
		if inst != nil {
			id = inst.ID
		}
		return "", &InvalidInstanceError{ID: id, Findings: found}
	}
	data, err := json.Marshal(inst)
	if err != nil {
		return "", fmt.Errorf("apply instance %q: encoding: %w", inst.ID, err)
	}
	var change Change
	err = s.update(ctx, inst.ID, func(old *Instance) (storeOp, error) {
		change = changeOf(old, data)
		if change == Unchanged {
			return storeOp{}, nil
		}
		return storeOp{inst: inst, data: data}, nil
	})
	if err != nil {
		return "", fmt.Errorf("apply instance %q: %w", inst.ID, err)
	}
	return change, nil
}

// changeOf compares the stored instance with the new encoding.
func changeOf(old *Instance, data []byte) Change {
	if old == nil {
		return Created
	}
	oldData, err := json.Marshal(old)
	if err == nil && string(oldData) == string(data) {
		return Unchanged
	}
	return Updated
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
	return decodeStored(id, data)
}

// decodeStored decodes a stored instance.
func decodeStored(id string, data []byte) (*Instance, error) {
	inst := &Instance{}
	if err := json.Unmarshal(data, inst); err != nil {
		return nil, fmt.Errorf("stored instance %q is not readable (apply it again): %w", id, err)
	}
	return inst, nil
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
		inst, err := decodeStored(ids[i], []byte(data))
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
		data, err := json.Marshal(old)
		return storeOp{inst: old, data: data}, err
	})
	if err != nil {
		return fmt.Errorf("%s instance %q: %w", verb, id, err)
	}
	return nil
}

// Delete removes the instance with id from the registry. Its state,
// ledger and audit log stay.
func (s *InstanceStore) Delete(ctx context.Context, id string) error {
	err := s.update(ctx, id, func(old *Instance) (storeOp, error) {
		if old == nil {
			return storeOp{}, errNoInstance
		}
		return storeOp{remove: true}, nil
	})
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
