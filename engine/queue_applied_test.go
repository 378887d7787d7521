package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// copyDocuments copies the model and specs of inst into a folder of the
// test's own and points inst at the copies, which the test may edit.
func copyDocuments(t *testing.T, inst *instance.Instance) {
	t.Helper()
	dir := t.TempDir()
	for _, p := range []*string{&inst.Model, &inst.Home.Spec, &inst.Partner.Spec} {
		data, err := os.ReadFile(*p)
		if err != nil {
			t.Fatal(err)
		}
		*p = filepath.Join(dir, filepath.Base(*p))
		if err := os.WriteFile(*p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// editFile replaces old with new in the file at path.
func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not hold %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// unitNumbers returns the number of every unit the partner holds.
func unitNumbers(h *engine.QueueHarness) []string {
	var out []string
	for _, u := range h.PartnerRecords("unit") {
		out = append(out, u["number"].(string))
	}
	return out
}

// TestQueueRunsTheAppliedSpec applies an instance and then edits its
// partner spec's unit mapping on disk: the queue's runs keep writing what
// the applied mapping gives, also while the file on disk is half written,
// until the instance is applied again (reported changed); the next run
// writes what the new mapping gives.
func TestQueueRunsTheAppliedSpec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := engine.NewQueueHarness(t, redistest.New(t), "upsert", 2, 2)
	inst := h.Instance()
	inst.Enabled = true
	copyDocuments(t, inst)
	e := newQueueEnv(t, h)
	if change := engine.ApplyInstance(t, e.store, inst); change != instance.Created {
		t.Fatalf("first apply: %s; want created", change)
	}
	if change := engine.ApplyInstance(t, e.store, inst); change != instance.Unchanged {
		t.Fatalf("apply of the same files: %s; want unchanged", change)
	}
	editFile(t, inst.Partner.Spec, `"number": "{{ unit.number }}"`, `"number": "N-{{ unit.number }}"`)
	workers := e.server(t, e.worker(t, queue.NewEngineRunner(h.Engine(), e.store, specs.LoadOptions{}), nil), 1)
	defer workers.Shutdown()

	run := func(what string, full bool, runs int) {
		t.Helper()
		task, err := queue.NewRunTask(queue.RunPayload{Instance: inst.ID, Trigger: queue.TriggerManual, Full: full}, e.route())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Enqueue(task); err != nil {
			t.Fatal(err)
		}
		waitFor(t, what, func() bool { recs, _ := e.history.List(ctx, inst.ID, 0, 0); return len(recs) == runs && e.drained() })
		if rec, _ := e.history.Last(ctx, inst.ID); rec.Outcome != queue.RunOK || rec.Error != "" {
			t.Fatalf("%s: run record %+v", what, rec)
		}
	}
	run("the run of the applied spec", false, 1)
	if d := h.PartnerDiff(); d != "" {
		t.Fatalf("the partner after a run of the applied spec (-want +got):\n%s", d)
	}

	saved, err := os.ReadFile(inst.Partner.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inst.Partner.Spec, saved[:len(saved)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Hour)
	h.SetUnitArea(t, 1, "99.5")
	run("a run while the spec on disk is half written", false, 2)
	if d := h.PartnerDiff(); d != "" {
		t.Fatalf("the partner after a run with a half-written spec on disk (-want +got):\n%s", d)
	}

	if err := os.WriteFile(inst.Partner.Spec, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	if change := engine.ApplyInstance(t, e.store, inst); change != instance.Changed {
		t.Fatalf("apply of the edited spec: %s; want changed", change)
	}
	h.Advance(time.Hour)
	run("the run of the newly applied spec", true, 3)
	numbers := unitNumbers(h)
	if len(numbers) == 0 {
		t.Fatal("the partner holds no units")
	}
	for _, n := range numbers {
		if !strings.HasPrefix(n, "N-") {
			t.Errorf("unit number %q after applying the new mapping; want it written by the new mapping (N-...)", n)
		}
	}
}
