package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// columnGap separates the columns of a table.
var columnGap = regexp.MustCompile(`\s{2,}`)

// TestBenchPrintsEveryRow runs the bench with tiny numbers and checks that
// the table has every row, each with non-zero figures.
func TestBenchPrintsEveryRow(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "--records", "200", "--memory-records", "200", "--bigpage-mb", "1", "--pairs", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := map[string][]string{}
	for line := range strings.Lines(out) {
		cells := columnGap.Split(strings.TrimSpace(line), -1)
		if len(cells) == 7 && cells[0] != "SCENARIO" {
			rows[cells[0]+" "+cells[1]] = cells[2:]
		}
	}
	want := map[string]bool{ // row -> has a baseline
		"push records/s": true, "push CPU µs/record": true, "rerun ms/run": true,
		"map records/s": false, "memory peak RSS MiB": false, "memory records/s": false,
		"bigpage peak RSS MiB": false, "bigpage seconds": false,
	}
	for name, baseline := range want {
		cells, ok := rows[name]
		if !ok {
			t.Errorf("no row %q in:\n%s", name, out)
			continue
		}
		figures := []string{cells[0], cells[1]} // records, specsync
		if baseline {
			figures = append(figures, cells[3], cells[4]) // baseline value, ratio
		}
		for _, f := range figures {
			if v, err := strconv.ParseFloat(f, 64); err != nil || v <= 0 {
				t.Errorf("row %q: figure %q is not a positive number:\n%s", name, f, out)
			}
		}
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows, want %d:\n%s", len(rows), len(want), out)
	}
}

// TestBenchConverge runs a short convergence soak through the command:
// a line per round and the verdict; a soak of no rounds is refused.
func TestBenchConverge(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "--scenario", "converge", "--rounds", "2", "--records", "12", "--seed", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	for _, want := range []string{"round 1: ", "round 2: ", "converged: 2 rounds, 12 persons, seed 7"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCLI(t, "bench", "--scenario", "converge", "--rounds", "0"); code != 2 {
		t.Errorf("--rounds 0: exit %d, want 2", code)
	}
}

// TestBenchConvergeSeeds runs the convergence soak through the command
// with several seeds, each a few rounds of changes at both sides,
// webhook deliveries and partner faults (429s among them): every round
// must end with the partner holding the home's data.
func TestBenchConvergeSeeds(t *testing.T) {
	t.Parallel()
	for _, seed := range []string{"1", "2", "3", "7"} {
		t.Run("seed "+seed, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, "bench", "--scenario", "converge", "--rounds", "3", "--records", "60", "--seed", seed)
			if code != 0 || !strings.Contains(out, "converged: 3 rounds, 60 persons, seed "+seed) {
				t.Errorf("exit %d, want 0 and a converged soak:\n%s%s", code, out, errOut)
			}
		})
	}
}
