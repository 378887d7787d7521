package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
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
	// neither moves the cursor nor deletes. It needs Entity and Direction.
	// Empty means every record.
	Keys []string
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

// run is one execution (or plan) of an instance.
type run struct {
	eng       *Engine
	l         *instance.Loaded
	inst      *instance.Instance
	opts      RunOptions
	id        string
	dry       bool
	home      *connectors.Client
	partner   *connectors.Client
	state     *store.State
	ledger    *store.Ledger
	audit     *store.Auditor
	cache     *includeCache
	instVars  map[string]any
	flows     []*flow
	workers   int
	sum       *Summary
	plan      *Plan
	planned   *plannedCreates
	deletes   []*deleteSet
	log       *slog.Logger
	readersMu sync.Mutex
	readers   map[string]*homeReader
	totals    map[*flow]int64
	// echoless are the flows the opposite direction left no echo hashes
	// for, checked as each flow starts (only the opposite direction's
	// flows write them, and never while this one runs); their loads skip
	// the echoes.
	echoless map[*flow]bool
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
	return r.sum, err
}

// newRun prepares a run: clients, state and flows.
func (e *Engine) newRun(l *instance.Loaded, opts RunOptions, dry bool) (*run, error) {
	if l == nil || l.Home == nil || l.Partner == nil || l.Model == nil {
		return nil, errors.New("engine: the instance's specs and model are not loaded; use Open or LoadInstance")
	}
	inst := l.Instance
	r := &run{
		eng: e, l: l, inst: inst, opts: opts, dry: dry, id: orDefault(opts.RunID, newRunID()),
		state: e.State(inst), ledger: e.Ledger(inst), cache: newIncludeCache(e.cfg.IncludeCache),
		instVars: instanceVars(inst), workers: inst.Options.Workers(), readers: map[string]*homeReader{}, totals: map[*flow]int64{}, echoless: map[*flow]bool{},
	}
	r.log = e.cfg.Logger.With("instance", inst.ID, "run", r.id)
	if err := r.setup(); err != nil {
		return nil, fmt.Errorf("instance %q: %w", inst.ID, err)
	}
	return r, nil
}

// setup builds the connectors, the flows and the audit writer.
func (r *run) setup() error {
	var err error
	if r.home, err = r.client(r.l.Home, r.inst.Home); err != nil {
		return err
	}
	if r.partner, err = r.client(r.l.Partner, r.inst.Partner); err != nil {
		return err
	}
	if r.flows, err = (flowBuilder{r: r}).build(); err != nil {
		return err
	}
	for _, f := range r.flows {
		// Pull reads the key of a record the home created from the answer,
		// and echoes read back the written object.
		f.onlyID = f.dir == instance.Push && r.flowOf(instance.Pull, f.entity) == nil
	}
	if err := r.checkOptions(); err != nil {
		return err
	}
	r.audit = store.NewAudit(r.eng.cfg.Redis, r.eng.cfg.Keys, r.eng.auditConfig(r.inst, personalFields(r.l))).NewAuditor()
	r.sum = newSummary(r)
	if r.dry {
		r.plan, r.planned = newPlan(r), newPlannedCreates()
	}
	return nil
}

// checkOptions refuses a direction or entity the instance does not have.
func (r *run) checkOptions() error {
	if d := r.opts.Direction; d != "" && !d.Valid() {
		return fmt.Errorf("direction %q is neither push nor pull", d)
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
func (r *run) client(spec *specs.Spec, sys instance.System) (*connectors.Client, error) {
	cfg := r.eng.cfg
	shared := cfg.Redis
	if r.dry {
		shared = nil // a plan leaves the shared rate limit alone too
	}
	c, err := connectors.New(spec, connectors.Config{
		Instance: r.inst.ID, Credentials: sys.Credentials, ServerVariables: sys.ServerVariables,
		BaseURL: sys.BaseURL, Redis: shared, KeyPrefix: cfg.Keys.Prefix(),
		Validation: connectors.ValidationMode(r.inst.Options.ValidationLevel()),
		Transport:  cfg.Transport, Clock: cfg.ConnectorClock, Logger: cfg.Logger,
		Auth: cfg.Auth, Paginators: cfg.Paginators, Templates: cfg.Templates, LookupEnv: cfg.LookupEnv,
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// execute runs the selected phases and writes the audit log's tail.
func (r *run) execute(ctx context.Context) error {
	r.sum.Started = r.eng.cfg.Clock.Now()
	err := r.phases(ctx)
	if ferr := r.flushAudit(ctx); err == nil {
		err = ferr
	}
	r.sum.Finished = r.eng.cfg.Clock.Now()
	if err != nil {
		r.sum.Aborted = err.Error()
		return fmt.Errorf("%w: instance %q: %w", ErrAborted, r.inst.ID, err)
	}
	return nil
}

// phases runs push then pull, each followed by its deletes.
func (r *run) phases(ctx context.Context) error {
	for _, dir := range instance.Directions() {
		if !r.runsDirection(dir) {
			continue
		}
		for _, f := range r.flows {
			if err := ctx.Err(); err != nil {
				return err
			}
			if f.dir == dir && r.selected(f) {
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
func (r *run) runsDirection(dir instance.Direction) bool {
	return (r.opts.Direction == "" || r.opts.Direction == dir) && r.inst.Permissions.GrantsAny(dir)
}

// selected reports whether the run includes f.
func (r *run) selected(f *flow) bool {
	return r.runsDirection(f.dir) && (r.opts.Entity == "" || r.opts.Entity == f.entity)
}

// flushAudit writes the buffered audit entries; a plan writes none.
func (r *run) flushAudit(ctx context.Context) error {
	if r.dry {
		return nil
	}
	if err := r.audit.Close(ctx); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// newRunID returns a random run id ("r-1a2b3c4d5e6f").
func newRunID() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprintf("r-%d", time.Now().UnixNano())
	}
	return "r-" + hex.EncodeToString(b)
}
