package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
)

// Defaults of Options.
const (
	DefaultRecords       = 100_000
	DefaultMemoryRecords = 1_000_000
	DefaultPairs         = 5
	DefaultBigPageMB     = 60
)

// Scenarios names the scenarios in the order of the report.
var Scenarios = []string{"push", "rerun", "map", "memory", "bigpage"}

// Options say what Run measures and where.
type Options struct {
	// Redis keeps the state of the runs. Required.
	Redis redis.UniversalClient
	// Keys is the namespace of the runs' keys; each run has an instance of
	// its own in it, whose keys are removed after the run. The zero value
	// uses keys.DefaultPrefix: give a shared Redis a prefix of its own.
	Keys keys.Namespace
	// Scenarios are the scenarios to measure, names of Scenarios. Empty
	// means all of them.
	Scenarios []string
	// Records is the number of home records of push, rerun and map. Zero
	// means DefaultRecords.
	Records int
	// MemoryRecords is the number of home records of the memory run. Zero
	// means DefaultMemoryRecords.
	MemoryRecords int
	// BigPageMB is the size in MiB of the one page of the bigpage run.
	// Zero means DefaultBigPageMB.
	BigPageMB int
	// Pairs is the number of interleaved runs of the engine and its
	// baseline; the report holds the medians. Zero means DefaultPairs.
	Pairs int
	// Latency delays every request of the push's partner. Zero means none.
	Latency time.Duration
	// Progress receives a line as each step starts. Nil means none.
	Progress io.Writer
}

// scenario measures one scenario.
type scenario func(context.Context, *harness) ([]Row, error)

// scenarioFuncs are the scenarios by name, the memory ones first: the
// process's peak resident size is lowest before the others have run.
var scenarioFuncs = []struct {
	name string
	run  scenario
}{{"bigpage", bigPageRows}, {"memory", memoryRows}, {"push", pushRows}, {"rerun", rerunRows}, {"map", mapRows}}

// Run measures the scenarios of o and returns their rows in the order of
// Scenarios.
func Run(ctx context.Context, o Options) (*Report, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	h, err := newHarness(o)
	if err != nil {
		return nil, err
	}
	defer h.close()
	rep := &Report{Pairs: o.Pairs}
	for _, s := range scenarioFuncs {
		if !slices.Contains(o.Scenarios, s.name) {
			continue
		}
		rows, err := s.run(ctx, h)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", s.name, err)
		}
		rep.Rows = append(rep.Rows, rows...)
	}
	slices.SortStableFunc(rep.Rows, func(a, b Row) int {
		return cmp.Compare(slices.Index(Scenarios, a.Scenario), slices.Index(Scenarios, b.Scenario))
	})
	return rep, nil
}

// withDefaults fills in the defaults and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Redis == nil {
		return o, errors.New("bench: Options.Redis is required")
	}
	if o.Records < 0 || o.MemoryRecords < 0 || o.Pairs < 0 || o.BigPageMB < 0 {
		return o, errors.New("bench: records, pairs and the page size must not be negative")
	}
	o.Records = cmp.Or(o.Records, DefaultRecords)
	o.MemoryRecords = cmp.Or(o.MemoryRecords, DefaultMemoryRecords)
	o.Pairs = cmp.Or(o.Pairs, DefaultPairs)
	o.BigPageMB = cmp.Or(o.BigPageMB, DefaultBigPageMB)
	if len(o.Scenarios) == 0 {
		o.Scenarios = Scenarios
	}
	for _, s := range o.Scenarios {
		if !slices.Contains(Scenarios, s) {
			return o, fmt.Errorf("bench: unknown scenario %q; the scenarios are %s", s, strings.Join(Scenarios, ", "))
		}
	}
	return o, nil
}

// progress writes a line to o.Progress.
func (h *harness) progress(format string, args ...any) {
	if h.o.Progress != nil {
		fmt.Fprintf(h.o.Progress, format+"\n", args...)
	}
}
