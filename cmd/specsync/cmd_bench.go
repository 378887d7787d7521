package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine/bench"
	"github.com/specsync/specsync/internal/keys"
)

type benchFlags struct {
	redisURL, scenario, output string
	records, memoryRecords     int
	bigPageMB                  int
	pairs                      int
	rounds                     int
	seed                       uint64
}

func newBenchCmd() *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure push, unchanged rerun, mapping and memory beside plain baselines",
		Long: `bench measures the engine as users run it (default instance options:
validation on, default concurrency) on local stand-ins of a home and a
partner, and prints a table:

  push    full push records/s and CPU µs/record, beside a plain keep-alive
          HTTP client sending the same bodies at the same concurrency
  rerun   the time of a run over unchanged records, beside a pure read
          of them
  map     records/s of the EverReal tenant write mapping on one goroutine
  memory  the process's peak resident size (VmHWM) during one large push
  bigpage the peak resident size and the time of listing a home that
          answers with all its records in one page of --bigpage-mb MiB

--scenario converge is not a measurement but the convergence soak, and
is not part of "all": rounds of random changes at the home (creates,
updates, included records, emptied fields, deletes) and at the partner
(hand edits, deletes, additions), webhook deliveries (some repeated)
and partner faults (5xx, 429, connection resets); after each round's
sync and repairing reconcile the partner must hold exactly the home's
data, field by field. It prints a line per round and exits 1 when a
round did not converge. --records sets the persons the home starts with
(default 200); --rounds and --seed repeat a soak.

--scenario redteam is not a measurement either, nor part of "all": it
runs this binary's commands against hostile systems (garbage, HTML,
huge, never-ending and deeply nested bodies, 2 MiB headers, slow
answers, foreign next links and redirects, empty and garbled answers
to creates, refused credentials, hostile record values) and checks that
each run ends with a clear error, that a rerun against healthy systems
converges, and that no credential appears in any output or Redis value.
It prints a line per case and exits 1 when a case failed.

CPU time counts this process, the stand-ins included, and the Redis
server. The engine and its baseline run in interleaved pairs; the table
holds the medians. State lives in Redis: $REDIS_URL (or --redis) when set, under a
key prefix of its own that is removed at the end; otherwise an in-process
Redis, whose memory then counts in the peak.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runBench(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.redisURL, "redis", os.Getenv("REDIS_URL"), "Redis URL; defaults to $REDIS_URL, else an in-process Redis")
	fs.StringVar(&f.scenario, "scenario", "all", "all, push, rerun, map, memory, bigpage, converge (the convergence soak) or redteam (hostile systems)")
	fs.IntVar(&f.rounds, "rounds", bench.DefaultConvergeRounds, "rounds of the convergence soak")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the convergence soak's first round")
	fs.IntVar(&f.records, "records", bench.DefaultRecords, "home records of push, rerun and map")
	fs.IntVar(&f.memoryRecords, "memory-records", bench.DefaultMemoryRecords, "home records of the memory run")
	fs.IntVar(&f.bigPageMB, "bigpage-mb", bench.DefaultBigPageMB, "MiB of the one page of the bigpage run")
	fs.IntVar(&f.pairs, "pairs", bench.DefaultPairs, "paired runs of the engine and its baseline; the table shows medians")
	fs.StringVarP(&f.output, "output", "o", "table", "table or json")
	return cmd
}

// runBench measures and prints the report; progress and the Redis in use
// go to errOut.
func runBench(ctx context.Context, out, errOut io.Writer, f benchFlags) error {
	if f.scenario == "redteam" {
		return runRedteam(ctx, out, f.redisURL)
	}
	opts, err := f.options()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	rdb, ns, closeRedis, err := benchRedis(ctx, errOut, f.redisURL)
	if err != nil {
		return err
	}
	defer closeRedis()
	if f.scenario == "converge" {
		return runConverge(ctx, out, rdb, ns, f)
	}
	opts.Redis, opts.Keys, opts.Progress = rdb, ns, errOut
	rep, err := bench.Run(ctx, opts)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if f.output == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.Table(out)
}

// runConverge runs the convergence soak and prints a line per round; a
// round that did not converge makes it fail.
func runConverge(ctx context.Context, out io.Writer, rdb redis.UniversalClient, ns keys.Namespace, f benchFlags) error {
	persons := bench.DefaultConvergePersons
	if f.records != bench.DefaultRecords {
		persons = f.records
	}
	rep, err := bench.Converge(ctx, bench.ConvergeOptions{Redis: rdb, Keys: ns, Rounds: f.rounds, Persons: persons, Seed: f.seed, Progress: out})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if !rep.Converged() {
		for _, rd := range rep.Rounds {
			for _, m := range rd.Mismatches {
				fmt.Fprintf(out, "round %d: %s\n", rd.Round, m)
			}
		}
		return &exitError{code: 1, err: fmt.Errorf("the partner did not converge in every round (seed %d)", f.seed)}
	}
	fmt.Fprintf(out, "converged: %d rounds, %d persons, seed %d\n", len(rep.Rounds), persons, f.seed)
	return nil
}

// options turns the flags into bench options.
func (f benchFlags) options() (bench.Options, error) {
	if f.output != "table" && f.output != "json" {
		return bench.Options{}, fmt.Errorf("-o must be table or json, not %q", f.output)
	}
	if f.records <= 0 || f.memoryRecords <= 0 || f.pairs <= 0 || f.bigPageMB <= 0 {
		return bench.Options{}, fmt.Errorf("--records, --memory-records, --bigpage-mb and --pairs must be at least 1")
	}
	opts := bench.Options{Records: f.records, MemoryRecords: f.memoryRecords, BigPageMB: f.bigPageMB, Pairs: f.pairs}
	switch {
	case slices.Contains(bench.Scenarios, f.scenario):
		opts.Scenarios = []string{f.scenario}
	case f.scenario == "converge":
		if f.rounds <= 0 {
			return bench.Options{}, fmt.Errorf("--rounds must be at least 1")
		}
	case f.scenario != "all":
		return bench.Options{}, fmt.Errorf("--scenario must be all or one of %s, not %q", strings.Join(bench.Scenarios, ", "), f.scenario)
	}
	return opts, nil
}

// benchRedis connects to url under a prefix of the bench's own, or starts
// an in-process Redis when url is empty.
func benchRedis(ctx context.Context, errOut io.Writer, url string) (redis.UniversalClient, keys.Namespace, func(), error) {
	if url == "" {
		mr, err := miniredis.Run()
		if err != nil {
			return nil, keys.Namespace{}, nil, &exitError{code: 1, err: fmt.Errorf("starting an in-process Redis: %w", err)}
		}
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		fmt.Fprintln(errOut, "Redis: in-process (miniredis); set REDIS_URL to use your own")
		return rdb, keys.New(""), func() { rdb.Close(); mr.Close() }, nil
	}
	sf := stateFlags{redisURL: url, prefix: scratchPrefix("bench")}
	rdb, ns, err := sf.open(ctx)
	if err != nil {
		return nil, keys.Namespace{}, nil, err
	}
	fmt.Fprintf(errOut, "Redis: %s, keys under %s (removed at the end)\n", url, ns.Prefix())
	return rdb, ns, func() { deletePrefix(rdb, ns.Prefix()); rdb.Close() }, nil
}
