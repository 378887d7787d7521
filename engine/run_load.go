package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/specs"
)

// ErrUnusable is matched (errors.Is) by the error of Open when a document
// of the instance has error findings; the findings say what to fix.
var ErrUnusable = errors.New("instance is not usable")

// UnusableError lists the findings that make an instance unusable.
type UnusableError struct {
	Instance string
	Findings specs.Findings
}

// Error names the first error finding and how many there are.
func (e *UnusableError) Error() string {
	n, first := 0, ""
	for _, f := range e.Findings {
		if f.Severity == specs.SeverityError {
			if n++; first == "" {
				first = f.String()
			}
		}
	}
	return fmt.Sprintf("instance %q has %d error findings (run `specsync validate`); first: %s", e.Instance, n, first)
}

// Is makes the error match ErrUnusable.
func (e *UnusableError) Is(target error) bool { return target == ErrUnusable }

// OpenApplied opens a stored instance with exactly the documents it was
// applied with, read from store (InstanceStore.Files), whatever the files
// on disk hold now.
func OpenApplied(ctx context.Context, store *instance.InstanceStore, inst *instance.Instance, opts specs.LoadOptions) (*instance.Loaded, specs.Findings, error) {
	files, err := store.Files(ctx, inst)
	if err != nil {
		return nil, nil, err
	}
	opts.Files = files
	return Open(inst, opts)
}

// Capture reads the model and both specs of inst from disk, as Open does
// with nil plug-ins, checks inst against them, and returns the content of
// every file the loads read (what InstanceStore.Apply stores) and every
// finding (see instance.Capture).
func Capture(inst *instance.Instance) (specs.FileSet, specs.Findings) {
	return instance.Capture(inst, specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
}

// errNotApplied refuses to open an applied instance from the disk.
var errNotApplied = errors.New("it was applied with its documents: open it with them (OpenApplied), not with the files on disk")

// Open loads the model and both specs of an instance (its paths are
// absolute, as ReadInstance and LoadInstance leave them) through
// opts.Files and validates the specs against the model. A stored instance
// (one with Documents) needs opts.Files, the documents it was applied with
// (see OpenApplied). Error findings make it fail with an *UnusableError;
// warnings are returned. Nil opts.Plugins means the built-in auth methods
// and paging styles, so that their configs are checked before a run
// starts.
func Open(inst *instance.Instance, opts specs.LoadOptions) (*instance.Loaded, specs.Findings, error) {
	if len(inst.Documents) > 0 && opts.Files == nil {
		return nil, nil, fmt.Errorf("instance %q: %w", inst.ID, errNotApplied)
	}
	if opts.Plugins == nil {
		opts.Plugins = connectors.DefaultPlugins().Describe()
	}
	l := &instance.Loaded{Instance: inst}
	var found specs.Findings
	model, fs, err := specs.LoadModel(inst.Model, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("instance %q: model: %w", inst.ID, err)
	}
	l.Model, found = model, append(found, fs...)
	for _, s := range []struct {
		path string
		dst  **specs.Spec
	}{{inst.Home.Spec, &l.Home}, {inst.Partner.Spec, &l.Partner}} {
		spec, fs, err := specs.Load(s.path, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("instance %q: spec: %w", inst.ID, err)
		}
		found = append(found, fs...)
		if spec != nil && model != nil {
			found = append(found, specs.Validate(spec, model)...)
		}
		*s.dst = spec
	}
	found = append(found, unsyncedEvents(l)...)
	return l, found, usable(l, found)
}

// unsyncedEvents warns of webhook events that name an entity no flow of
// the instance syncs in the event's direction: their deliveries would be
// acknowledged and ignored.
func unsyncedEvents(l *instance.Loaded) specs.Findings {
	var out specs.Findings
	for _, s := range []struct {
		spec     *specs.Spec
		fromHome bool
	}{{l.Home, true}, {l.Partner, false}} {
		if s.spec == nil || s.spec.Sync == nil || s.spec.Sync.Webhooks == nil {
			continue
		}
		events := s.spec.Sync.Webhooks.Events
		for _, name := range slices.Sorted(maps.Keys(events)) {
			ev := events[name]
			if ev == nil {
				continue
			}
			dir := instance.Direction(cmp.Or(ev.Direction, specs.WebhookPull))
			if len(EventEntities(l.Home, l.Partner, s.fromHome, ev.Entity, dir)) > 0 {
				continue
			}
			f := specs.Finding{Code: specs.CodeUnknownEntity, Severity: specs.SeverityWarning, File: s.spec.Path,
				Pointer: jsonptr.Join("/x-sync/webhooks/events", name, "entity"),
				Message: fmt.Sprintf("event %q names entity %q, which no %s flow of this instance syncs: its deliveries are acknowledged and ignored", name, ev.Entity, dir),
				Hint:    "name an entity whose model entity both specs synchronise, set the event's direction, or remove the event"}
			s.spec.Source.Place(&f)
			out = append(out, f)
		}
	}
	return out
}

// usable refuses a Loaded with a missing document or error findings.
func usable(l *instance.Loaded, found specs.Findings) error {
	if found.HasErrors() || l.Home == nil || l.Partner == nil || l.Model == nil {
		return &UnusableError{Instance: l.Instance.ID, Findings: found}
	}
	return nil
}
