package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/specs"
)

// RunOptions narrow and steer one run. The zero value runs everything:
// push then pull, every entity, incremental where a cursor allows it.
type RunOptions struct {
	// Direction runs only push or only pull. Empty means both.
	Direction instance.Direction
	// Entity runs only this partner entity. Empty means all.
	Entity string
	// Full reads everything even where an incremental read is possible.
	Full bool
	// Keys syncs only these records of Entity (a webhook's record): each
	// is read with the source's get instead of listing, and the run
	// neither moves the cursor nor deletes, unless KeysDeleted. It needs
	// Entity and Direction. Empty means every record.
	Keys []string
	// KeysDeleted says the source deleted the records named by Keys (a
	// webhook's delete event): each one the source no longer has is
	// deleted at the destination now, ownership and permission checked;
	// the delete guard does not apply to named records. It needs Keys.
	KeysDeleted bool
	// DeleteOverride lets this run delete more than the instance's delete
	// guard allows. An operator's decision for one run.
	DeleteOverride bool
	// RunID names the run in audit entries and failures. Empty means a new
	// random id.
	RunID string
	// Progress receives the run's progress after every page. Nil means
	// none.
	Progress func(Progress)
	// PlanRecords caps the records a plan lists one by one (counts are
	// always complete). Zero means 1000.
	PlanRecords int
}

// ErrAborted is matched (errors.Is) by the error of a run that stopped
// before its end: credentials refused, an outbound URL refused, Redis
// unreachable. Summary.Aborted says why.
var ErrAborted = errors.New("run aborted")

// job is what every stage of a run reads and none changes: the engine's
// configuration, the instance, the run's options and its id.
type job struct {
	cfg  Config
	l    *instance.Loaded
	inst *instance.Instance
	opts RunOptions
	id   string
	dry  bool
	vars map[string]any // the "instance" template variable
	log  *slog.Logger
}

// run is one execution (or plan) of an instance: its flows, the stages
// their records pass (stages.go) and what it reports.
type run struct {
	*job
	flows   []*flow
	stages  stages
	tally   *tally
	state   *store.State
	ledger  *store.Ledger
	deletes []*deleteSet
	clients []*connectors.Client // home and partner
}

// Run synchronises an instance now: the push phase, then the pull phase,
// each entity in dependency order and deletes in reverse order. A record
// that fails does not stop the run; it goes to the failure ledger and the
// summary counts it. The error is non-nil only for a run that could not
// start or was aborted (matching ErrAborted); the summary is returned
// either way when the run started.
func (e *Engine) Run(ctx context.Context, l *instance.Loaded, opts RunOptions) (*Summary, error) {
	r, err := e.newRun(l, opts, false)
	if err != nil {
		return nil, err
	}
	err = r.execute(ctx)
	return r.tally.sum, err
}

// newRun prepares a run: clients, flows and stages.
func (e *Engine) newRun(l *instance.Loaded, opts RunOptions, dry bool) (*run, error) {
	if l == nil || l.Home == nil || l.Partner == nil || l.Model == nil {
		return nil, errors.New("engine: the instance's specs and model are not loaded; use Open or LoadInstance")
	}
	inst := l.Instance
	j := &job{cfg: e.cfg, l: l, inst: inst, opts: opts, dry: dry, id: orDefault(opts.RunID, newRunID()), vars: instanceVars(inst)}
	j.log = e.cfg.Logger.With("instance", inst.ID, "run", j.id)
	r, err := j.setup(e)
	if err != nil {
		return nil, fmt.Errorf("instance %q: %w", inst.ID, err)
	}
	return r, nil
}

// setup builds the connectors, the flows and the stages.
func (j *job) setup(e *Engine) (*run, error) {
	home, err := j.client(j.l.Home, j.inst.Home)
	if err != nil {
		return nil, err
	}
	partner, err := j.client(j.l.Partner, j.inst.Partner)
	if err != nil {
		return nil, err
	}
	r := &run{job: j, state: e.State(j.inst), ledger: e.Ledger(j.inst), clients: []*connectors.Client{home, partner}}
	if r.flows, err = (flowBuilder{j: j, home: home, partner: partner}).build(); err != nil {
		return nil, err
	}
	for _, f := range r.flows {
		// Pull reads the key of a record the home created from the answer,
		// and echoes read back the written object.
		f.onlyID = f.dir == instance.Push && flowOf(r.flows, instance.Pull, f.entity) == nil
		f.matches = usesMatch(f, j.opts)
	}
	if err := r.checkOptions(); err != nil {
		return nil, err
	}
	r.tally = newTally(r)
	r.stages = newStages(e, r, home)
	return r, nil
}

// checkOptions refuses a direction or entity the instance does not have.
func (r *run) checkOptions() error {
	if d := r.opts.Direction; d != "" && !d.Valid() {
		return fmt.Errorf("direction %q is neither push nor pull", d)
	}
	if r.opts.KeysDeleted && len(r.opts.Keys) == 0 {
		return errors.New("deleting single records needs their keys")
	}
	if len(r.opts.Keys) > 0 && (r.opts.Entity == "" || r.opts.Direction == "") {
		return fmt.Errorf("syncing single records (%d keys) needs an entity and a direction", len(r.opts.Keys))
	}
	if r.opts.Entity == "" {
		return nil
	}
	for _, f := range r.flows {
		if f.entity == r.opts.Entity {
			return nil
		}
	}
	return fmt.Errorf("no entity %q is synchronised; the partner spec's synchronised entities are %v", r.opts.Entity, r.entityNames())
}

// entityNames lists the entities of the run's flows.
func (r *run) entityNames() []string {
	var out []string
	for _, f := range r.flows {
		if !slices.Contains(out, f.entity) {
			out = append(out, f.entity)
		}
	}
	return out
}

// client builds the connector client of one system.
func (j *job) client(spec *specs.Spec, sys instance.System) (*connectors.Client, error) {
	cfg := j.cfg
	shared := cfg.Redis
	if j.dry {
		shared = nil // a plan leaves the shared rate limit alone too
	}
	c, err := connectors.New(spec, connectors.Config{
		Instance: j.inst.ID, Credentials: sys.Credentials, ServerVariables: sys.ServerVariables,
		BaseURL: sys.BaseURL, Redis: shared, KeyPrefix: cfg.Keys.Prefix(),
		Validation:  connectors.ValidationMode(j.inst.Options.ValidationLevel()),
		InvalidText: connectors.TextMode(j.inst.Options.InvalidTextMode()),
		Transport:   cfg.Transport, Clock: cfg.ConnectorClock, Logger: cfg.Logger,
		Auth: cfg.Auth, Paginators: cfg.Paginators, Templates: cfg.Templates, LookupEnv: cfg.LookupEnv,
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// execute runs the selected phases and writes the audit log's tail.
func (r *run) execute(ctx context.Context) error {
	name := "specsync.run"
	if r.dry {
		name = "specsync.plan"
	}
	return r.executeWith(ctx, name, r.phases)
}

// executeWith runs the work of a run (its phases, or a reconciliation's
// comparison) in a span called name and writes the audit log's tail.
func (r *run) executeWith(ctx context.Context, name string, work func(context.Context) error) (err error) {
	ctx, span := r.startRunSpan(ctx, name)
	defer func() { endSpan(span, err) }()
	sum := r.tally.sum
	sum.Started = r.cfg.Clock.Now()
	err = work(ctx)
	if ferr := r.stages.commit.close(ctx); err == nil {
		err = ferr
	}
	for _, c := range r.clients {
		c.LogMismatches(context.WithoutCancel(ctx))
		if uerr := c.Unreachable(); uerr != nil {
			sum.Unreachable = append(sum.Unreachable, uerr.Error())
		}
	}
	sum.Finished = r.cfg.Clock.Now()
	if err != nil {
		sum.Aborted = err.Error()
		return fmt.Errorf("%w: instance %q: %w", ErrAborted, r.inst.ID, err)
	}
	return nil
}

// phases runs push then pull, each followed by its deletes.
func (r *run) phases(ctx context.Context) error {
	for _, dir := range instance.Directions() {
		if !runsDirection(r.job, dir) {
			continue
		}
		for _, f := range r.flows {
			if err := ctx.Err(); err != nil {
				return err
			}
			if f.dir == dir && selected(r.job, f) {
				if err := r.syncFlow(ctx, f); err != nil {
					return err
				}
			}
		}
		if err := r.runDeletes(ctx, dir); err != nil {
			return err
		}
	}
	return nil
}

// runsDirection reports whether the run includes direction dir: the one
// asked for (or both), and only where the instance is granted anything, so
// that a pull-only instance does not read the home system just to count
// every record as denied.
func runsDirection(j *job, dir instance.Direction) bool {
	return (j.opts.Direction == "" || j.opts.Direction == dir) && j.inst.Permissions.GrantsAny(dir)
}

// selected reports whether the run includes f.
func selected(j *job, f *flow) bool {
	return runsDirection(j, f.dir) && (j.opts.Entity == "" || j.opts.Entity == f.entity)
}

// newRunID returns a random run id ("r-1a2b3c4d5e6f").
func newRunID() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprintf("r-%d", time.Now().UnixNano())
	}
	return "r-" + hex.EncodeToString(b)
}
