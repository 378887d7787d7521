package main

import (
	"context"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/keys"
)

// TestResolveUncertainCreates resolves creates whose answers never came,
// through the command and the admin API: a record found at the partner
// becomes known by its id, one not found loses its intent; what cannot be
// resolved is refused with what to do.
func TestResolveUncertainCreates(t *testing.T) {
	r, _ := eraseFixture(t, "")
	ctx := context.Background()
	st := store.NewState(r.Client, keys.New(r.Prefix), "erp-everreal", store.StateConfig{})
	for _, key := range []string{"L-1", "L-2", "L-3"} {
		if err := st.MarkIntents(ctx, instance.Push, "tenant", store.Intent{Key: key, Hash: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	cli := func(want int, contains string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, append(args, stateArgs(r)...)...)
		if code != want || !strings.Contains(out+errOut, contains) {
			t.Fatalf("specsync %s: exit %d (want %d), output lacks %q:\n%s\n%s", strings.Join(args, " "), code, want, contains, out, errOut)
		}
	}
	if code, out, _ := runCLI(t, "resolve", "--help"); code != 0 || !strings.Contains(out, "--created ID") || !strings.Contains(out, "uncertain") {
		t.Errorf("resolve --help: exit %d\n%s", code, out)
	}
	cli(2, "[created absent]", "resolve", "erp-everreal", "--key", "L-1")
	cli(2, "none of the others can be", "resolve", "erp-everreal", "--key", "L-1", "--absent", "--created", "x")
	cli(2, "no create intent", "resolve", "erp-everreal", "--key", "L-9", "--absent")
	cli(2, `no entity "flat"`, "resolve", "erp-everreal", "--key", "L-1", "--absent", "--entity", "flat")
	cli(0, `as created with id "t-1"`, "resolve", "erp-everreal", "--key", "L-1", "--created", "t-1")
	cli(0, "as absent", "resolve", "erp-everreal", "--key", "L-2", "--absent", "--entity", "tenant")

	api := adminAction(t, r, "resolve")
	api(400, `{"key": "L-3", "absent": "yes"}`)
	api(422, `{"key": "L-3"}`)
	api(422, `{"key": "L-1", "absent": true}`)
	if body := api(200, `{"key": "L-3", "created": "t-3"}`); !strings.Contains(body, `"created": "t-3"`) || !strings.Contains(body, `"entity": "tenant"`) {
		t.Errorf("resolve through the API: %s", body)
	}
	known, err := st.LoadWith(ctx, instance.Push, "tenant", []string{"L-1", "L-2", "L-3"}, store.LoadOptions{Intents: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"t-1", "", "t-3"} {
		if k := known[i]; k.Intent != "" || k.PartnerID != want {
			t.Errorf("%s after resolving: %+v; want partner id %q and no intent", k.Key, k, want)
		}
	}
}
