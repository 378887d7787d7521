package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// harness is what the scenarios of one Run share: the fixture documents,
// the engine, and seeded homes by size.
type harness struct {
	o     Options
	dir   string
	eng   *engine.Engine
	seq   int
	homes map[int]string
	stops []func()
}

// newHarness writes the fixtures and builds the engine.
func newHarness(o Options) (*harness, error) {
	dir, err := writeFixtures()
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(engine.Config{Redis: o.Redis, Keys: o.Keys, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &harness{o: o, dir: dir, eng: eng, homes: map[int]string{}}, nil
}

// close stops the homes and removes the fixtures.
func (h *harness) close() {
	for _, stop := range h.stops {
		stop()
	}
	os.RemoveAll(h.dir)
}

// seededHome is the URL of a home mock holding n items; homes are kept
// for the harness's life, one per size.
func (h *harness) seededHome(n int) (string, error) {
	if url, ok := h.homes[n]; ok {
		return url, nil
	}
	m, err := mockServer(h.dir, "home.json", 0)
	if err == nil {
		err = seedItems(m, n)
	}
	if err != nil {
		return "", err
	}
	url, stop, err := serve(m)
	if err != nil {
		return "", err
	}
	h.homes[n], h.stops = url, append(h.stops, stop)
	return url, nil
}

// opened is the benchmark instance between a home and a partner, with
// state of its own.
type opened struct {
	h      *harness
	id     string
	loaded *instance.Loaded
}

// open opens a new instance named after the scenario, with the default
// options users run with.
func (h *harness) open(scenario, home, partner string) (*opened, error) {
	h.seq++
	inst := &instance.Instance{
		ID: fmt.Sprintf("%s-%d", scenario, h.seq), Organisation: "bench", Source: "bench",
		Home:        instance.System{Spec: filepath.Join(h.dir, "home.json"), BaseURL: home},
		Partner:     instance.System{Spec: filepath.Join(h.dir, "partner.json"), BaseURL: partner},
		Model:       filepath.Join(h.dir, "model.json"),
		Permissions: instance.Permissions{instance.Push: {"item": {instance.Create, instance.Update, instance.Delete}}},
	}
	l, fs, err := engine.Open(inst, specs.LoadOptions{})
	if err == nil && fs.HasErrors() {
		err = fmt.Errorf("%v", fs)
	}
	if err != nil {
		return nil, fmt.Errorf("bench: opening the instance: %w", err)
	}
	return &opened{h: h, id: inst.ID, loaded: l}, nil
}

// workers is the instance's concurrency, the plain client's too.
func (in *opened) workers() int { return in.loaded.Instance.Options.Workers() }

// run runs the instance and fails on anything but a clean run.
func (in *opened) run(ctx context.Context) (*engine.Summary, error) {
	sum, err := in.h.eng.Run(ctx, in.loaded, engine.RunOptions{})
	if err == nil && sum.Status() != engine.StatusClean {
		var b strings.Builder
		sum.Table(&b)
		err = fmt.Errorf("the run was not clean:\n%s", b.String())
	}
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", in.id, err)
	}
	return sum, nil
}

// drop removes the instance's keys.
func (in *opened) drop(ctx context.Context) error {
	return unlinkMatching(ctx, in.h.o.Redis, in.h.o.Keys.InstancePattern(in.id))
}
