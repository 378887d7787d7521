package main

import (
	"bufio"
	"context"
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// applyTestInstance stores the instance id between the run test documents
// (nothing serves them: the commands here never reach the systems).
func applyTestInstance(t *testing.T, r *redistest.Server, id string) {
	t.Helper()
	file := instanceFile(t, id, "http://127.0.0.1:1", "partner_upsert.json", "http://127.0.0.1:1",
		map[string][]string{"building": {"create"}})
	cliExpect(t, r)(0, id+" created", "instances", "apply", file)
}

func TestVersionText(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-03-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tt := range []struct {
		name string
		info *debug.BuildInfo
		want []string
		not  []string
	}{
		{"tagged", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"}},
			[]string{"specsync v1.4.0\n", "go:      go1.26.0"}, []string{"commit:", "devel"}},
		{"source tree", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			[]string{"specsync devel\n", "commit:  0123abcd (with uncommitted changes)\n", "time:    2026-03-01T10:00:00Z\n"}, []string{"(devel)"}},
		{"clean tree", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260301100000-0123abcd"}, Settings: vcs[:2]},
			[]string{"specsync v0.0.0-20260301100000-0123abcd\n", "commit:  0123abcd\n"}, []string{"uncommitted"}},
		{"no information", nil, []string{"specsync (no build information)"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := versionText(tt.info, tt.info != nil)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("version lacks %q:\n%s", want, got)
				}
			}
			for _, not := range tt.not {
				if strings.Contains(got, not) {
					t.Errorf("version has %q:\n%s", not, got)
				}
			}
		})
	}
	code, out, _ := runCLI(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "specsync ") || !strings.Contains(out, "go:") {
		t.Errorf("--version: exit %d:\n%s", code, out)
	}
}

// TestEveryStateCommandTakesPrefix: every command with --redis takes
// --prefix, and the old --key-prefix where it existed is hidden; demo and
// bench pick a prefix of their own.
func TestEveryStateCommandTakesPrefix(t *testing.T) {
	walk(newRootCmd(), func(c *cobra.Command) {
		if c.Flags().Lookup("redis") == nil || c.Name() == "demo" || c.Name() == "bench" {
			return
		}
		if c.Flags().Lookup("prefix") == nil {
			t.Errorf("%s has --redis but no --prefix", c.CommandPath())
		}
		if old := c.Flags().Lookup("key-prefix"); old != nil && !old.Hidden {
			t.Errorf("%s shows --key-prefix in its help", c.CommandPath())
		}
	})
}

// TestKeyPrefixIsADeprecatedAlias: an instance applied under --key-prefix
// is listed under the same --prefix; the old name prints a note on
// standard error only.
func TestKeyPrefixIsADeprecatedAlias(t *testing.T) {
	r := redistest.New(t)
	st := stateArgs(r)
	redisArgs, prefix := st[:2], st[3]
	file := instanceFile(t, "alias-test", "http://127.0.0.1:1", "partner_upsert.json", "http://127.0.0.1:1", map[string][]string{"building": {"create"}})
	code, out, errOut := runCLI(t, append([]string{"instances", "apply", file, "--key-prefix", prefix}, redisArgs...)...)
	if code != 0 || !strings.Contains(out, "alias-test created") {
		t.Fatalf("apply --key-prefix: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "--key-prefix is deprecated and will be removed; use --prefix") || strings.Contains(out, "deprecated") {
		t.Errorf("the deprecation note is not on standard error only:\nstdout: %s\nstderr: %s", out, errOut)
	}
	code, out, errOut = runCLI(t, append([]string{"instances", "list", "--prefix", prefix}, redisArgs...)...)
	if code != 0 || !strings.Contains(out, "alias-test") || strings.Contains(errOut, "deprecated") {
		t.Errorf("list --prefix: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestListingCommandsTakeOutput: no command has a --json of its own
// beside -o, and -o takes table or json only.
func TestListingCommandsTakeOutput(t *testing.T) {
	listing := map[string]bool{}
	walk(newRootCmd(), func(c *cobra.Command) {
		if old := c.Flags().Lookup("json"); old != nil && (!old.Hidden || c.Flags().Lookup("output") == nil) {
			t.Errorf("%s has --json instead of -o json", c.CommandPath())
		}
		if f := c.Flags().ShorthandLookup("o"); f != nil && f.Name == "output" {
			listing[c.CommandPath()] = true
		}
	})
	for _, want := range []string{"specsync instances list", "specsync audit", "specsync plan", "specsync reconcile", "specsync bench", "specsync validate"} {
		if !listing[want] {
			t.Errorf("%s takes no -o table|json", want)
		}
	}
	model := "../../specs/testdata/model.json"
	_, table, _ := runCLI(t, "validate", model)
	if code, text, _ := runCLI(t, "validate", "--format", "text", model); code != 0 || text != table {
		t.Errorf("validate --format text: exit %d\n%s", code, text)
	}
	code, asJSON, errOut := runCLI(t, "validate", "-o", "json", model)
	if code != 0 || !strings.HasPrefix(asJSON, `{`) || strings.HasPrefix(table, `{`) || errOut != "" {
		t.Errorf("validate -o json: exit %d\n%s\n%s", code, asJSON, errOut)
	}
	code, old, errOut := runCLI(t, "validate", "--format", "json", model)
	if code != 0 || old != asJSON || !strings.Contains(errOut, "--format is deprecated and will be removed; use -o table|json") {
		t.Errorf("validate --format json: exit %d\n%s\n%s", code, old, errOut)
	}
	if code, _, errOut := runCLI(t, "instances", "list", "-o", "yaml"); code != 2 || !strings.Contains(errOut, `want table or json, not "yaml"`) {
		t.Errorf("-o yaml: exit %d, %s", code, errOut)
	}
}

// TestOutputJSON: instances list and audit print JSON lines with -o json,
// and the old --json of audit does the same with a note on stderr.
func TestOutputJSON(t *testing.T) {
	r := redistest.New(t)
	applyTestInstance(t, r, "json-test")
	expect := cliExpect(t, r)
	table := expect(0, "json-test", "instances", "list")
	if !strings.HasPrefix(table, "ID ") {
		t.Errorf("the default output is no table:\n%s", table)
	}
	lines := jsonLines(t, expect(0, "json-test", "instances", "list", "-o", "json"))
	if len(lines) != 1 || lines[0]["id"] != "json-test" {
		t.Errorf("instances list -o json: %v", lines)
	}
	writeAuditEntry(t, r, "json-test")
	for _, flag := range [][]string{{"-o", "json"}, {"--json"}} {
		code, out, errOut := runCLI(t, append(append([]string{"audit", "json-test"}, flag...), stateArgs(r)...)...)
		lines := jsonLines(t, out)
		if code != 0 || len(lines) != 1 || lines[0]["key"] != "b1" {
			t.Errorf("audit %v: exit %d, %v\n%s", flag, code, lines, errOut)
		}
		if deprecated := strings.Contains(errOut, "--json is deprecated"); deprecated != (flag[0] == "--json") {
			t.Errorf("audit %v: stderr %q", flag, errOut)
		}
	}
}

// writeAuditEntry logs a create of building b1 for the instance id.
func writeAuditEntry(t *testing.T, r *redistest.Server, id string) {
	t.Helper()
	entry := store.Entry{Instance: id, Direction: instance.Push, Entity: "building", Key: "b1", Action: instance.Create, Outcome: store.OutcomeOK}
	if err := store.NewAudit(r.Client, keys.New(r.Prefix), store.AuditConfig{}).Write(context.Background(), entry); err != nil {
		t.Fatal(err)
	}
}

// jsonLines decodes one JSON object per line.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var got []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is no JSON object: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	return got
}

// TestAuditShowsWhoActed: an operator's action is printed with the name
// of who took it.
func TestAuditShowsWhoActed(t *testing.T) {
	r := redistest.New(t)
	applyTestInstance(t, r, "acted")
	entry := store.Entry{Instance: "acted", Action: "enable", Outcome: store.OutcomeOK, Actor: "alice@acme.example"}
	if err := store.NewAudit(r.Client, keys.New(r.Prefix), store.AuditConfig{}).Write(context.Background(), entry); err != nil {
		t.Fatal(err)
	}
	out := cliExpect(t, r)(0, "BY", "audit", "acted")
	if !strings.Contains(out, "alice@acme.example") {
		t.Errorf("the audit table does not say who acted:\n%s", out)
	}
}
