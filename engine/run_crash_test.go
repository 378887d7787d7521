package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// buildBinary builds the specsync command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "specsync")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/specsync")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// moduleRoot is the folder of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod above the engine package: %v", err)
	}
	return dir
}

// redisURL is a URL a child process can reach the test's Redis at.
func redisURL(srv *redistest.Server) string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://" + srv.Mini.Addr()
}

// TestCrashAndResumeWithoutDuplicates kills `specsync sync` with SIGKILL
// after a number of partner writes, several times, then runs it to the
// end: the partner, which creates a second record for a repeated create,
// must hold exactly the home's records.
func TestCrashAndResumeWithoutDuplicates(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildBinary(t)
	srv := redistest.New(t)
	h := newHarnessOn(t, srv, "create")
	if err := h.partner.SetOptions(mockOptions{Now: h.clock.Now, DuplicateCreates: true, Latency: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	data := newHomeData(5, 8)
	h.seedHome(data)
	h.inst.Enabled = true // the command line runs enabled instances only
	ApplyInstance(t, instance.NewInstanceStore(h.rdb, h.ns), h.inst)
	args := []string{"sync", h.inst.ID, "--redis", redisURL(srv), "--prefix", h.ns.Prefix()}
	for _, after := range []int64{3, 30, 47, 81, 120} {
		code := runUntilWrites(t, bin, args, h, after, 0)
		t.Logf("killed after %d partner writes (exit %d)", h.partner.Stats().Writes(), code)
	}
	convergesAfterCrashes(t, bin, args, h, data)
}

// runUntilWrites starts a sync and kills it with SIGKILL a delay after the
// partner has counted n writes in all; it returns the exit code (-1 when
// killed).
func runUntilWrites(t *testing.T, bin string, args []string, h *harness, n int64, delay time.Duration) int {
	t.Helper()
	var out strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			return exitCode(err)
		case <-time.After(200 * time.Microsecond):
		}
		if h.partner.Stats().Writes() >= n {
			time.Sleep(delay)
			if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Fatal(err)
			}
			return exitCode(<-done)
		}
	}
}

// exitCode reads the exit code of a finished command.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return 0
}

// createOnlyPartner edits the partner's spec into one of a create-only
// system: no idempotency key, and with lookups only when lookup is set
// (then also for buildings, which the spec gives none).
func createOnlyPartner(t *testing.T, lookup bool) string {
	t.Helper()
	return editedSpec(t, "partner_create.json", func(doc map[string]any) {
		for _, name := range []string{"building", "unit", "contact", "tenant"} {
			e := specEntity(doc, name)
			delete(e["create"].(map[string]any), "idempotencyKey")
			if !lookup {
				delete(e, "lookup")
			}
		}
		if !lookup {
			return
		}
		paths := doc["paths"].(map[string]any)
		var find map[string]any
		data, _ := json.Marshal(paths["/units/by-key/{externalId}"])
		if err := json.Unmarshal(bytes.ReplaceAll(data, []byte("Unit"), []byte("Building")), &find); err != nil {
			t.Fatal(err)
		}
		paths["/buildings/by-key/{externalId}"] = find
		specEntity(doc, "building")["lookup"] = map[string]any{"operation": "findBuilding", "params": map[string]any{"externalId": "{{ key }}"}}
	})
}

// TestCrashAtRandomMomentsNeverCreatesTwice kills `specsync sync` with
// SIGKILL 20 times at random moments (seeded) while it creates records at
// a create-only partner that assigns its own ids, checks no key and
// honours no idempotency key: with lookups, the runs after the kills
// settle every create themselves; without, the records whose creates
// were in flight wait in the ledger as uncertain, are resolved with
// `specsync resolve` as the partner has them, and the final run then
// leaves the partner with exactly the home's records. Neither creates a
// record twice.
func TestCrashAtRandomMomentsNeverCreatesTwice(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildBinary(t)
	for i, lookup := range []bool{true, false} {
		name := map[bool]string{true: "with lookup", false: "without lookup"}[lookup]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			crashSoak(t, bin, lookup, uint64(16+i))
		})
	}
}

// crashSoak is one case of TestCrashAtRandomMomentsNeverCreatesTwice.
func crashSoak(t *testing.T, bin string, lookup bool, seed uint64) {
	srv := redistest.New(t)
	h := newHarnessSpec(t, srv, createOnlyPartner(t, lookup))
	if err := h.partner.SetOptions(mockOptions{Now: h.clock.Now, DuplicateCreates: true, IgnoreIdempotency: true, Latency: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	h.inst.Options.Concurrency = 8
	data := newHomeData(6, 25)
	h.seedHome(data)
	h.inst.Enabled = true // the command line runs enabled instances only
	ApplyInstance(t, instance.NewInstanceStore(h.rdb, h.ns), h.inst)
	state := []string{"--redis", redisURL(srv), "--prefix", h.ns.Prefix()}
	args := append([]string{"sync", h.inst.ID}, state...)
	rng := rand.New(rand.NewPCG(seed, 7))
	for range 20 {
		after := h.partner.Stats().Writes() + 1 + rng.Int64N(60)
		code := runUntilWrites(t, bin, args, h, after, time.Duration(rng.Int64N(int64(2*time.Millisecond))))
		t.Logf("killed after %d partner writes (exit %d)", h.partner.Stats().Writes(), code)
	}
	noDuplicates(t, h)
	out, _ := exec.Command(bin, args...).CombinedOutput()
	uncertain := uncertainFailures(t, h)
	if lookup && len(uncertain) > 0 {
		t.Fatalf("with lookups, %d records were left uncertain: %v\n%s", len(uncertain), uncertain, out)
	}
	if !lookup && len(uncertain) == 0 {
		t.Fatalf("without lookups, no record was left uncertain after 20 kills: the test proves nothing\n%s", out)
	}
	t.Logf("%d records uncertain", len(uncertain))
	for _, f := range uncertain {
		resolveAsThePartnerHas(t, bin, state, h, f)
	}
	noDuplicates(t, h)
	convergesAfterCrashes(t, bin, args, h, data)
}

// uncertainFailures lists the ledger's uncertain records.
func uncertainFailures(t *testing.T, h *harness) []store.Failure {
	t.Helper()
	all, err := store.NewLedger(h.rdb, h.ns, h.inst.ID, store.LedgerConfig{}).List(context.Background(), store.LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Failure
	for _, f := range all {
		if f.Reason.Code == string(CodeUncertain) {
			out = append(out, f)
		}
	}
	return out
}

// resolveAsThePartnerHas looks an uncertain record up at the partner, as
// an operator would, and resolves it with `specsync resolve`.
func resolveAsThePartnerHas(t *testing.T, bin string, state []string, h *harness, f store.Failure) {
	t.Helper()
	var ids []string
	for _, r := range h.partner.Records(f.Entity) {
		if fmt.Sprint(r["externalId"]) == f.Key {
			ids = append(ids, fmt.Sprint(r["id"]))
		}
	}
	args := []string{"resolve", h.inst.ID, "--key", f.Key, "--entity", f.Entity}
	switch len(ids) {
	case 0:
		args = append(args, "--absent")
	case 1:
		args = append(args, "--created", ids[0])
	default:
		t.Fatalf("%s %q is %d times at the partner", f.Entity, f.Key, len(ids))
	}
	if out, err := exec.Command(bin, append(args, state...)...).CombinedOutput(); err != nil {
		t.Fatalf("specsync %v: %v\n%s", args, err, out)
	}
}

// noDuplicates fails the test for a key the partner holds twice.
func noDuplicates(t *testing.T, h *harness) {
	t.Helper()
	for _, entity := range []string{"building", "unit", "contact", "tenant"} {
		seen := map[string]int{}
		for _, r := range h.partner.Records(entity) {
			seen[fmt.Sprint(r["externalId"])]++
		}
		for key, n := range seen {
			if n > 1 {
				t.Errorf("the partner holds %s %q %d times", entity, key, n)
			}
		}
	}
}

// convergesAfterCrashes runs the sync to a clean end (at most twice) and
// checks that the partner then holds exactly the home's data.
func convergesAfterCrashes(t *testing.T, bin string, args []string, h *harness, data homeData) {
	t.Helper()
	for i := 0; ; i++ {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err == nil {
			break
		}
		if i == 1 {
			t.Fatalf("two runs after the crashes did not finish clean: %v\n%s", err, out)
		}
	}
	if d := cmp.Diff(expected(data), h.actual()); d != "" {
		t.Errorf("partner data after crashes (-want +got):\n%s", d)
	}
}
