package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"text/tabwriter"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/examples/standins"
	"github.com/specsync/specsync/internal/keys"
)

func newDemoCmd() *cobra.Command {
	var redisURL, listen string
	var verbose, serveToo bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the real-estate example end to end against local stand-ins of the ERP, EverReal and casavi",
		Long: `demo needs no setup. It starts stand-ins of the ERP (home), EverReal (GraphQL)
and casavi (REST) on local ports, seeds the ERP with a generated portfolio
(two economic units, five buildings, 60 units with leases, tenants and owners,
two of the records broken on purpose), applies the example's three instances
and runs each of them: push, then pull. Then it changes three ERP records and
runs again: only those three are sent. It ends with the audit log's tail and
the failure ledger.

State lives in Redis: $REDIS_URL (or --redis) when set, under a key prefix of
its own that is removed at the end; otherwise an in-process Redis.

--serve keeps it running afterwards: the stand-ins stay up and specsync serve
runs on the same Redis (status page, queue monitor, admin API without a
token, the instances on their schedules) until Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			level := slog.LevelError
			if verbose {
				level = slog.LevelDebug
			}
			cfg := demoConfig{Out: cmd.OutOrStdout(), Logger: slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))}
			closeRedis, err := cfg.redis(redisURL, serveToo)
			if err != nil {
				return err
			}
			defer closeRedis()
			setDemoCredentials()
			res, err := runDemo(ctx, cfg)
			if res != nil {
				defer res.Set.Close()
			}
			if err != nil || !serveToo {
				return err
			}
			return serveDemo(ctx, cfg, listen, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: min(level, slog.LevelInfo)})))
		},
	}
	f := cmd.Flags()
	f.StringVar(&redisURL, "redis", os.Getenv("REDIS_URL"), "Redis URL; defaults to $REDIS_URL, else an in-process Redis")
	f.BoolVarP(&verbose, "verbose", "v", false, "log what the engine does to standard error")
	f.BoolVar(&serveToo, "serve", false, "keep running afterwards with specsync serve: status page, queue monitor and admin API")
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "listen address of --serve")
	return cmd
}

// demoConfig is what the demo runs on.
type demoConfig struct {
	// Out receives the demo's report.
	Out io.Writer
	// Redis keeps state; Keys names its keys.
	Redis redis.UniversalClient
	Keys  keys.Namespace
	// Standins tunes the stand-ins.
	Standins standins.Options
	// Logger is the engine's logger.
	Logger *slog.Logger
	// LookupEnv reads credentials. Nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// connOpt reaches Redis for the queue monitor of --serve.
	connOpt asynq.RedisConnOpt
}

// redis connects to url, or starts an in-process Redis when url is
// empty; for the queue of --serve its keys expire in real time. On a
// shared Redis the demo writes under a prefix of its own, which the
// returned function deletes.
func (c *demoConfig) redis(url string, serving bool) (func(), error) {
	if url == "" {
		mr, err := miniredis.Run()
		if err != nil {
			return nil, &exitError{code: 1, err: fmt.Errorf("starting an in-process Redis: %w", err)}
		}
		mr.ClockTTL(serving)
		c.Redis, c.connOpt = redis.NewClient(&redis.Options{Addr: mr.Addr()}), asynq.RedisClientOpt{Addr: mr.Addr()}
		fmt.Fprintf(c.Out, "Redis: in-process (miniredis at %s); set REDIS_URL to use your own\n", mr.Addr())
		return func() { c.Redis.Close(); mr.Close() }, nil
	}
	sf := stateFlags{redisURL: url, prefix: scratchPrefix("demo")}
	rdb, ns, err := sf.open(context.Background())
	if err != nil {
		return nil, err
	}
	c.Redis, c.Keys = rdb, ns
	if opts, err := redis.ParseURL(url); err == nil {
		c.connOpt = asynq.RedisClientOpt{Addr: opts.Addr, Username: opts.Username, Password: opts.Password, DB: opts.DB, TLSConfig: opts.TLSConfig}
	}
	fmt.Fprintf(c.Out, "Redis: %s, keys under %s (removed at the end)\n", url, ns.Prefix())
	return func() { deletePrefix(rdb, ns.Prefix()); deleteQueue(rdb, ns.Queue()); rdb.Close() }, nil
}

// scratchPrefix is a key prefix for a command's keys that no other run
// or installation uses ("specsync-demo-1a2b3c4d:").
func scratchPrefix(command string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported systems
	return "specsync-" + command + "-" + hex.EncodeToString(b) + ":"
}

// deletePrefix removes a command's keys from a shared Redis.
func deletePrefix(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		rdb.Unlink(ctx, iter.Val())
	}
}

// deleteQueue removes the asynq queue of a command's prefix, which
// --serve used, with its tasks and statistics.
func deleteQueue(rdb redis.UniversalClient, queue string) {
	_ = asynq.NewInspectorFromRedisClient(rdb).DeleteQueue(queue, true) // absent when nothing was enqueued
	deletePrefix(rdb, "asynq:{"+queue+"}")
	rdb.SRem(context.Background(), "asynq:queues", queue)
}

// setDemoCredentials puts the stand-ins' fake credentials into this
// process's environment, where the instances' {"env": ...} references
// find them. Variables already set are kept.
func setDemoCredentials() {
	for name, value := range standins.DemoCredentials() {
		if _, ok := os.LookupEnv(name); !ok {
			os.Setenv(name, value)
		}
	}
}

// demoResult is what the demo did, for tests.
type demoResult struct {
	Set *standins.Set
	// First and Second are the summaries of the two rounds by instance.
	First, Second map[string]*engine.Summary
	// Failures are the failure ledgers by instance after the second round.
	Failures map[string][]store.Failure
}

// runDemo runs the whole demo and reports on cfg.Out. The stand-ins keep
// running until ctx ends or the caller closes the result's Set.
func runDemo(ctx context.Context, cfg demoConfig) (*demoResult, error) {
	if cfg.Redis == nil {
		return nil, errors.New("demo: no Redis")
	}
	set, err := cfg.Standins.Start(ctx)
	if err != nil {
		return nil, &exitError{code: 1, err: err}
	}
	d := &demo{cfg: cfg, out: cfg.Out, res: &demoResult{Set: set}}
	if err := d.run(ctx); err != nil {
		return d.res, &exitError{code: 1, err: err}
	}
	return d.res, nil
}

// demo is one run of the demo.
type demo struct {
	cfg      demoConfig
	out      io.Writer
	res      *demoResult
	eng      *engine.Engine
	recorder *queue.Recorder
	loaded   map[string]*instance.Loaded
}

// run goes through the demo's steps.
func (d *demo) run(ctx context.Context) error {
	steps := []func(context.Context) error{d.introduce, d.apply, d.firstRound, d.change, d.secondRound, d.audit, d.ledger}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	d.outro()
	return nil
}

// introduce names the stand-ins and what the ERP holds.
func (d *demo) introduce(context.Context) error {
	s := d.res.Set
	d.heading("Stand-ins")
	tw := tabwriter.NewWriter(d.out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ERP (home, REST)\t%s\t", s.ERPURL)
	for _, e := range []string{"economic_unit", "building", "unit", "lease", "tenant", "owner", "owner_contract"} {
		fmt.Fprintf(tw, "%d %s  ", len(s.ERP.Records(e)), e)
	}
	fmt.Fprintf(tw, "\nEverReal (partner, GraphQL)\t%s\tOAuth2 password grant, 300 requests/min, %d candidates\n", s.EverRealURL, len(s.EverReal.Candidates()))
	fmt.Fprintf(tw, "casavi (partner, REST)\t%s\ttoken login\n", s.CasaviURL)
	tw.Flush()
	fmt.Fprintf(d.out, "Broken on purpose: tenant %s has no last name, lease %s starts on %s.\n", standins.BadTenantID, standins.BadLeaseID, standins.BadLeaseStart)
	return nil
}

// apply stores the instances and builds the engine.
func (d *demo) apply(ctx context.Context) error {
	d.heading("Instances")
	store := instance.NewInstanceStore(d.cfg.Redis, d.cfg.Keys)
	d.loaded = map[string]*instance.Loaded{}
	for _, inst := range d.res.Set.Instances {
		l, err := applyAndOpen(ctx, store, inst)
		if err != nil {
			return fmt.Errorf("applying instance %s: %w", inst.ID, err)
		}
		d.loaded[inst.ID] = l
		fmt.Fprintf(d.out, "applied %-24s %s -> %s, cron %q (%s), %s\n", inst.ID, filepath.Base(inst.Home.Spec), filepath.Base(inst.Partner.Spec),
			inst.Schedule.CronOrDefault(), inst.Schedule.TimezoneOrDefault(), phasesOf(inst))
	}
	var err error
	d.eng, err = engine.New(engine.Config{Redis: d.cfg.Redis, Keys: d.cfg.Keys, Logger: d.cfg.Logger, LookupEnv: d.cfg.LookupEnv})
	d.recorder = queue.NewRecorder(queue.NewHistory(d.cfg.Redis, d.cfg.Keys, queue.HistoryConfig{}), queue.RecorderConfig{Logger: d.cfg.Logger})
	return err
}

// applyAndOpen stores inst with its documents and opens the applied
// version, as the queue's workers do.
func applyAndOpen(ctx context.Context, store *instance.InstanceStore, inst *instance.Instance) (*instance.Loaded, error) {
	files, found := instance.Capture(inst, loadOptions())
	if found.HasErrors() {
		return nil, fmt.Errorf("%d findings, first: %s", len(found), found[0])
	}
	if _, err := store.Apply(ctx, inst, files); err != nil {
		return nil, err
	}
	applied, err := store.Get(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	l, _, err := engine.OpenApplied(ctx, store, applied, loadOptions())
	return l, err
}

// firstRound runs every instance once.
func (d *demo) firstRound(ctx context.Context) error {
	d.heading("Nightly run 1: everything is new")
	var err error
	d.res.First, err = d.round(ctx)
	return err
}

// change edits three ERP records.
func (d *demo) change(context.Context) error {
	d.heading("Three ERP records change")
	for _, c := range standins.DemoChanges() {
		if err := c.Apply(d.res.Set.ERP); err != nil {
			return err
		}
		fmt.Fprintf(d.out, "- %s (%s = %q)\n", c.Why, c.Field, c.Value)
	}
	return nil
}

// secondRound runs every instance again and shows that only the changes
// were sent.
func (d *demo) secondRound(ctx context.Context) error {
	d.heading("Nightly run 2: only the changes are sent")
	s := d.res.Set
	s.EverReal.ResetStats()
	s.Casavi.ResetStats()
	var err error
	if d.res.Second, err = d.round(ctx); err != nil {
		return err
	}
	ev, ca := s.EverReal.Stats(), s.Casavi.Stats()
	fmt.Fprintf(d.out, "\nWrites received in run 2: EverReal %d (%d creates, %d updates), casavi %d (%d creates, %d updates)\n",
		ev.Writes(), ev.Creates, ev.Updates, ca.Writes(), ca.Creates, ca.Updates)
	return nil
}

// round runs every instance, in id order, and prints its summary.
func (d *demo) round(ctx context.Context) (map[string]*engine.Summary, error) {
	out := map[string]*engine.Summary{}
	for _, inst := range d.res.Set.Instances {
		fmt.Fprintf(d.out, "\n%s (%s):\n", inst.ID, phasesOf(inst))
		run, err := d.recorder.Begin(ctx, queue.RunRecord{Instance: inst.ID, Organisation: inst.Organisation, Task: queue.TaskRun, Trigger: queue.TriggerDemo})
		if err != nil {
			return nil, err
		}
		line := newProgressLine(d.out)
		sum, err := d.eng.Run(ctx, d.loaded[inst.ID], engine.RunOptions{Progress: line.show, RunID: run.ID()})
		line.clear()
		finishRun(ctx, d.out, run, sum, err)
		if sum == nil {
			return nil, err
		}
		sum.Table(d.out)
		out[inst.ID] = sum
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// audit prints the newest audit entries of each instance.
func (d *demo) audit(ctx context.Context) error {
	d.heading("Audit log (newest 8 entries per instance; `specsync audit INSTANCE` shows more)")
	for _, inst := range d.res.Set.Instances {
		page, err := d.eng.Audit(inst).Query(ctx, store.Query{Instance: inst.ID, Limit: 8})
		if err != nil {
			return err
		}
		fmt.Fprintf(d.out, "\n%s:\n", inst.ID)
		page.Cursor = ""
		if err := writeAudit(d.out, page, false); err != nil {
			return err
		}
	}
	return nil
}

// ledger prints each instance's failure ledger.
func (d *demo) ledger(ctx context.Context) error {
	d.heading("Failure ledger (retried on every run until they succeed)")
	d.res.Failures = map[string][]store.Failure{}
	tw := tabwriter.NewWriter(d.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tDIRECTION\tENTITY\tKEY\tATTEMPTS\tREASON")
	for _, inst := range d.res.Set.Instances {
		list, err := d.eng.Ledger(inst).List(ctx, store.LedgerFilter{})
		if err != nil {
			return err
		}
		d.res.Failures[inst.ID] = list
		for _, f := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s: %s\n", inst.ID, f.Direction, f.Entity, f.Key, f.Attempts, f.Reason.Code, f.Reason.Message)
		}
	}
	return tw.Flush()
}

// outro says how to go on.
func (d *demo) outro() {
	d.heading("Next")
	fmt.Fprintln(d.out, `To keep it running with the web UI (status page, queue monitor, admin API)
and the instances on their schedules: specsync demo --serve

In production, apply instances whose base URLs name your systems and run
specsync serve against your Redis (see the README's Production section).`)
}

func (d *demo) heading(title string) {
	fmt.Fprintf(d.out, "\n== %s\n", title)
}

// phasesOf describes what an instance runs: a run leaves out a direction
// in which the instance is granted nothing.
func phasesOf(inst *instance.Instance) string {
	push, pull := inst.Permissions.GrantsAny(instance.Push), inst.Permissions.GrantsAny(instance.Pull)
	switch {
	case push && !pull:
		return "push only"
	case pull && !push:
		return "pull only"
	}
	return "push, then pull"
}
