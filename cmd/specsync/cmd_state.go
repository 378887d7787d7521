package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/server"
	"github.com/specsync/specsync/specs"
)

// stateFlags are the flags of commands that keep state in Redis.
type stateFlags struct {
	redisURL string
	prefix   string
	verbose  bool
}

// add registers the flags in fs.
func (f *stateFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.redisURL, "redis", os.Getenv("REDIS_URL"), "Redis URL (redis://host:6379/0); defaults to $REDIS_URL")
	addPrefixFlag(fs, &f.prefix)
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "log what the engine does to standard error")
}

// errNoRedis says how to give a command its Redis.
var errNoRedis = errors.New("this command keeps its state in Redis: pass --redis redis://host:6379/0 or set REDIS_URL")

// open connects to Redis and checks that it answers.
func (f *stateFlags) open(ctx context.Context) (redis.UniversalClient, keys.Namespace, error) {
	if f.redisURL == "" {
		return nil, keys.Namespace{}, &exitError{code: 2, err: errNoRedis}
	}
	opts, err := redis.ParseURL(f.redisURL)
	if err != nil {
		return nil, keys.Namespace{}, &exitError{code: 2, err: fmt.Errorf("--redis: %w", err)}
	}
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, keys.Namespace{}, &exitError{code: 1, err: fmt.Errorf("redis at %s does not answer: %w", opts.Addr, err)}
	}
	return rdb, keys.New(f.prefix), nil
}

// logger is the engine's logger: warnings on standard error, everything
// with --verbose.
func (f *stateFlags) logger(cmd *cobra.Command) *slog.Logger {
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
}

// engineFor connects to Redis and opens a stored instance with the specs
// and model it was applied with.
func (f *stateFlags) engineFor(cmd *cobra.Command, id string) (*engine.Engine, *instance.Loaded, func(), error) {
	o, err := f.openRun(cmd, id)
	if err != nil {
		return nil, nil, nil, err
	}
	return o.eng, o.loaded, o.close, nil
}

// openedRun is what a command that runs a stored instance needs: its
// engine, the instance's applied specs and the run history to record the
// run in.
type openedRun struct {
	eng      *engine.Engine
	loaded   *instance.Loaded
	recorder *queue.Recorder
	close    func()
}

// openRun connects to Redis and opens a stored instance with the specs
// and model it was applied with, and the installation's run history.
func (f *stateFlags) openRun(cmd *cobra.Command, id string) (*openedRun, error) {
	ctx := cmd.Context()
	rdb, ns, err := f.open(ctx)
	if err != nil {
		return nil, err
	}
	closeAll := func() { rdb.Close() }
	store := instance.NewInstanceStore(rdb, ns)
	inst, err := store.Get(ctx, id)
	if err != nil {
		err = unknownInstance(ctx, store, id, err)
		closeAll()
		return nil, err
	}
	loaded, err := openInstance(cmd, store, inst)
	if err != nil {
		closeAll()
		return nil, err
	}
	log := f.logger(cmd)
	// Traces of a command-line run go where serve's go, when the
	// environment names an OTLP endpoint; they are sent before it exits.
	tracing, err := server.NewTracing(ctx, server.TracingConfig{})
	if err != nil {
		closeAll()
		return nil, &exitError{code: 2, err: err}
	}
	closeAll = func() {
		if err := tracing.Shutdown(context.WithoutCancel(ctx)); err != nil {
			log.Warn("traces not sent", "err", err)
		}
		rdb.Close()
	}
	eng, err := engine.New(engine.Config{Redis: rdb, Keys: ns, Logger: log, TracerProvider: tracing.Provider(), Transport: tracing.Transport(nil)})
	if err != nil {
		closeAll()
		return nil, err
	}
	rec := queue.NewRecorder(queue.NewHistory(rdb, ns, queue.HistoryConfig{}), queue.RecorderConfig{Logger: log})
	return &openedRun{eng: eng, loaded: loaded, recorder: rec, close: closeAll}, nil
}

// openInstance loads a stored instance's applied specs, printing findings
// that stop it.
func openInstance(cmd *cobra.Command, store *instance.InstanceStore, inst *instance.Instance) (*instance.Loaded, error) {
	loaded, found, err := engine.OpenApplied(cmd.Context(), store, inst, loadOptions())
	if err == nil {
		return loaded, nil
	}
	for _, f := range found {
		if f.Severity == specs.SeverityError {
			fmt.Fprintln(cmd.ErrOrStderr(), f.String())
		}
	}
	return nil, &exitError{code: 1, err: err}
}

// runFlags select what a sync or plan covers.
type runFlags struct {
	push, pull, full bool
	entity           string
}

// add registers the flags on cmd.
func (f *runFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.push, "push", false, "only the push phase (home -> partner)")
	cmd.Flags().BoolVar(&f.pull, "pull", false, "only the pull phase (partner -> home)")
	cmd.Flags().StringVar(&f.entity, "entity", "", "only this partner entity")
	cmd.Flags().BoolVar(&f.full, "full", false, "read everything, not only changes since the last run")
}

// options turns the flags into run options.
func (f *runFlags) options() (engine.RunOptions, error) {
	var opts engine.RunOptions
	switch {
	case f.push && f.pull:
		return opts, &exitError{code: 2, err: errors.New("--push and --pull exclude each other; give neither for both phases")}
	case f.push:
		opts.Direction = instance.Push
	case f.pull:
		opts.Direction = instance.Pull
	}
	opts.Entity, opts.Full = f.entity, f.full
	return opts, nil
}
