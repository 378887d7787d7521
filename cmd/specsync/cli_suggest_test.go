package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/internal/redistest"
)

// TestUnknownSubcommandsFail: an unknown command, at the root or under a
// group, exits 2 and names the close one; a group alone prints its help.
func TestUnknownSubcommandsFail(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"snyc"}, `unknown command "snyc" for "specsync"; did you mean "sync"?`},
		{[]string{"instances", "lsit"}, `unknown command "lsit" for "specsync instances"; did you mean "list"?`},
		{[]string{"instances", "remove"}, `unknown command "remove" for "specsync instances" (`},
		{[]string{"help", "snyc"}, `unknown command "snyc" for "specsync"; did you mean "sync"?`},
		{[]string{"help", "instances", "lsit"}, `unknown command "lsit" for "specsync instances"; did you mean "list"?`},
	} {
		code, out, errOut := runCLI(t, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("specsync %s: exit %d, stderr lacks %q:\n%s\n%s", strings.Join(tt.args, " "), code, tt.want, out, errOut)
		}
	}
	for _, args := range [][]string{{"instances"}, {"help", "instances"}} {
		code, out, _ := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "Available Commands") || !strings.Contains(out, "delete") {
			t.Errorf("specsync %v: exit %d, no help:\n%s", args, code, out)
		}
	}
	code, out, _ := runCLI(t, "__complete", "help", "inst")
	if code != 0 || !strings.HasPrefix(out, "instances\n") {
		t.Errorf("help completes to:\n%s", out)
	}
}

// instanceArgs are the flags a command needs besides the instance id to
// get as far as looking the instance up.
var instanceArgs = map[string][]string{
	"specsync erase":   {"--entity", "building", "--key", "b1"},
	"specsync resolve": {"--key", "b1", "--absent"},
}

// TestUnknownInstanceSuggests: every command that takes an instance id
// exits 2 on an id the store does not have and names the close stored
// one; the commands are found in the command tree, so that a new one is
// checked too.
func TestUnknownInstanceSuggests(t *testing.T) {
	r := redistest.New(t)
	applyTestInstance(t, r, "erp-everreal")
	var paths []string
	walk(newRootCmd(), func(c *cobra.Command) {
		if fields := strings.Fields(c.Use); len(fields) > 1 && (fields[1] == "INSTANCE" || fields[1] == "ID") {
			paths = append(paths, c.CommandPath())
		}
	})
	if len(paths) < 10 {
		t.Fatalf("only %d commands take an instance: %v", len(paths), paths)
	}
	for _, path := range paths {
		args := append(strings.Fields(path)[1:], "erp-evereal")
		args = append(append(args, instanceArgs[path]...), stateArgs(r)...)
		code, out, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, `no instance "erp-evereal" is stored (check --prefix); did you mean "erp-everreal"?`) {
			t.Errorf("%s with an unknown id: exit %d:\n%s\n%s", path, code, out, errOut)
		}
	}
}

// TestAuditOfADeletedInstance: the audit log of a deleted instance stays
// readable, with a note; an id with neither instance nor log is refused.
func TestAuditOfADeletedInstance(t *testing.T) {
	r := redistest.New(t)
	applyTestInstance(t, r, "gone")
	writeAuditEntry(t, r, "gone")
	expect := cliExpect(t, r)
	expect(0, "gone deleted", "instances", "delete", "gone")
	out := expect(0, `instance "gone" is not stored (deleted?)`, "audit", "gone")
	if !strings.Contains(out, "b1") {
		t.Errorf("the deleted instance's audit log is not printed:\n%s", out)
	}
	expect(2, `no instance "never" is stored`, "audit", "never")
}
