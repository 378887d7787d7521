package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/specs"
)

// OutcomeResolved: an operator said what became of an uncertain create
// (specsync resolve): the record exists at the partner with the id in the
// entry's values, or it does not and the next run creates it.
const OutcomeResolved store.Outcome = "resolved"

// actionResolve is the action of an operator's resolution.
const actionResolve instance.Action = "resolve"

// ResolveOptions say which uncertain create Resolve settles and how.
// Exactly one of Created and Absent is given.
type ResolveOptions struct {
	// Key is the record's home key. Required.
	Key string
	// Entity is the partner spec's entity of the record; empty means the
	// one entity that holds a create intent of the key.
	Entity string
	// Direction is push or pull; empty means the one direction that holds
	// a create intent of the key.
	Direction instance.Direction
	// Created is the id of the record found at the destination: the
	// record is known as created with it, and the next run compares it
	// and writes it over.
	Created string
	// Absent says the destination does not hold the record: the intent is
	// cleared and the next run creates it.
	Absent bool
}

// Resolution reports what Resolve settled.
type Resolution struct {
	Instance  string             `json:"instance"`
	Direction instance.Direction `json:"direction"`
	Entity    string             `json:"entity"`
	Key       string             `json:"key"`
	// Created is the destination's id the record is now known by; empty
	// when it was resolved absent.
	Created string `json:"created,omitempty"`
	Absent  bool   `json:"absent,omitempty"`
	// Failure is the failure ledger's message that the resolution
	// cleared; empty when the ledger held none.
	Failure string `json:"failure,omitempty"`
}

// ErrCannotResolve is matched by the error of a resolution asked for
// wrongly: no key, neither or both of created and absent, an unknown
// entity or direction, no create intent of the key, or several.
var ErrCannotResolve = errors.New("cannot resolve")

// Resolve settles a create whose outcome is unknown (a record the ledger
// holds as uncertain), as an operator found it at the destination:
// created with an id, or absent. It clears the record's create intent and
// replaces its ledger entry with one of the code resolved, so that the
// next run reads the record again and writes it, and audits the
// resolution with the outcome "resolved". It holds the instance's lock, so that no run interleaves.
func (e *Engine) Resolve(ctx context.Context, l *instance.Loaded, opts ResolveOptions) (*Resolution, error) {
	if l == nil || l.Partner == nil || l.Instance == nil {
		return nil, errors.New("engine: the instance's specs are not loaded; use Open or OpenApplied")
	}
	inst := l.Instance
	if err := checkResolve(l, opts); err != nil {
		return nil, fmt.Errorf("%w: instance %q: %w", ErrCannotResolve, inst.ID, err)
	}
	release, err := store.NewLocks(e.cfg.Redis, e.cfg.Keys).Hold(ctx, inst.ID)
	if err != nil {
		return nil, fmt.Errorf("resolve: %w; resolve again when the run is done", err)
	}
	defer release()
	st := e.State(inst)
	found, err := findIntent(ctx, st, l, opts)
	if err != nil {
		return nil, err
	}
	res := &Resolution{Instance: inst.ID, Direction: found.Direction, Entity: found.Entity, Key: opts.Key, Created: opts.Created, Absent: opts.Absent}
	if opts.Absent && found.conf != nil {
		return nil, fmt.Errorf("%w: instance %q: the answer to the create of %s %s %q was recorded: %s created it as %q, and the next run takes it as written; it is not uncertain",
			ErrCannotResolve, inst.ID, found.Direction, found.Entity, opts.Key, destinationName(found.Direction), found.conf.PartnerID)
	}
	ledger := e.Ledger(inst)
	failure, err := ledger.Get(ctx, found.Direction, found.Entity, opts.Key)
	if err != nil {
		return nil, err
	}
	if failure != nil {
		res.Failure = failure.Reason.Code + ": " + failure.Reason.Message
	}
	if opts.Absent {
		err = st.Settle(ctx, found.Direction, found.Entity, []string{opts.Key}, nil)
	} else {
		err = st.ResolveCreated(ctx, found.Direction, found.Entity, opts.Key, opts.Created)
	}
	if err != nil {
		return nil, err
	}
	// The record stays in the ledger, now as resolved: an incremental
	// run would not read it again otherwise, and it leaves the ledger once
	// the next run has written it.
	pending := store.Failed{Key: opts.Key, Reason: store.Reason{Code: string(CodeResolved), Message: resolvedMessage(found.Direction, opts)}}
	if err := ledger.Fail(ctx, found.Direction, found.Entity, pending); err != nil {
		return nil, err
	}
	return res, e.auditResolution(ctx, inst, res)
}

// ResolveApplied is Resolve of a stored instance, with the specs and model
// it was applied with and the built-in plug-ins.
func (e *Engine) ResolveApplied(ctx context.Context, st *instance.InstanceStore, inst *instance.Instance, opts ResolveOptions) (*Resolution, error) {
	l, _, err := OpenApplied(ctx, st, inst, specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
	if err != nil {
		return nil, err
	}
	return e.Resolve(ctx, l, opts)
}

// checkResolve refuses options that name no resolution or an unknown
// entity or direction.
func checkResolve(l *instance.Loaded, opts ResolveOptions) error {
	switch {
	case strings.TrimSpace(opts.Key) == "":
		return errors.New("name the record's home key (the ledger lists it)")
	case opts.Absent == (opts.Created != ""):
		return errors.New("say either that the record was created, with its id at the destination, or that it is absent")
	case opts.Direction != "" && !opts.Direction.Valid():
		return fmt.Errorf("direction %q is neither push nor pull", opts.Direction)
	case opts.Entity != "" && l.Partner.Sync.Entities[opts.Entity] == nil:
		return fmt.Errorf("the partner spec has no entity %q; its entities are %v", opts.Entity, entityNames(l))
	}
	return nil
}

// entityNames are the partner spec's entities, sorted.
func entityNames(l *instance.Loaded) []string {
	return slices.Sorted(maps.Keys(l.Partner.Sync.Entities))
}

// resolvedMessage is the ledger's message of a record an operator
// resolved, until the next run writes it.
func resolvedMessage(dir instance.Direction, opts ResolveOptions) string {
	if opts.Absent {
		return fmt.Sprintf("resolved by an operator as absent from %s: the next run creates it", destinationName(dir))
	}
	return fmt.Sprintf("resolved by an operator as created at %s with the id %q: the next run compares it and writes it over", destinationName(dir), opts.Created)
}

// destinationName names the system a direction writes to.
func destinationName(dir instance.Direction) string {
	if dir == instance.Pull {
		return "the home system"
	}
	return "the partner"
}

// foundIntent is the create intent a resolution settles.
type foundIntent struct {
	Direction instance.Direction
	Entity    string
	conf      *store.Confirmation
}

// findIntent finds the one create intent of the key among the entities
// and directions the options allow.
func findIntent(ctx context.Context, st *store.State, l *instance.Loaded, opts ResolveOptions) (foundIntent, error) {
	dirs, entities := instance.Directions(), entityNames(l)
	if opts.Direction != "" {
		dirs = []instance.Direction{opts.Direction}
	}
	if opts.Entity != "" {
		entities = []string{opts.Entity}
	}
	var found []foundIntent
	for _, dir := range dirs {
		for _, entity := range entities {
			hash, conf, err := st.IntentOf(ctx, dir, entity, opts.Key)
			if err != nil {
				return foundIntent{}, err
			}
			if hash != "" {
				found = append(found, foundIntent{Direction: dir, Entity: entity, conf: conf})
			}
		}
	}
	switch len(found) {
	case 0:
		return foundIntent{}, fmt.Errorf("%w: instance %q holds no create intent of the key %q (in %s): there is nothing to resolve; check the key and the entity against the ledger (specsync audit %s --failed)",
			ErrCannotResolve, l.Instance.ID, opts.Key, strings.Join(entities, ", "), l.Instance.ID)
	case 1:
		return found[0], nil
	}
	var where []string
	for _, f := range found {
		where = append(where, string(f.Direction)+" "+f.Entity)
	}
	return foundIntent{}, fmt.Errorf("%w: instance %q holds create intents of the key %q in %s: name the one to resolve with --entity (and --direction)",
		ErrCannotResolve, l.Instance.ID, opts.Key, strings.Join(where, " and "))
}

// auditResolution writes the audit entry of a resolution.
func (e *Engine) auditResolution(ctx context.Context, inst *instance.Instance, res *Resolution) error {
	values := map[string]any{"absent": res.Absent}
	if res.Created != "" {
		values = map[string]any{"partnerId": res.Created}
	}
	entry := store.Entry{Organisation: inst.Organisation, Instance: inst.ID, Direction: res.Direction, Entity: res.Entity,
		Key: res.Key, Action: actionResolve, Outcome: OutcomeResolved, Values: values}
	if err := e.Audit(inst).Write(ctx, entry); err != nil {
		return fmt.Errorf("resolve: the create is resolved, but its audit entry was not written: %w", err)
	}
	return nil
}
