package instance

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPermissionsDenyByDefault(t *testing.T) {
	var none Permissions
	for _, dir := range []Direction{Push, Pull} {
		for _, a := range []Action{Create, Update, Delete} {
			if none.Allows(dir, "tenant", a) {
				t.Errorf("zero Permissions allow %s %s tenant", dir, a)
			}
		}
	}
	if got := none.Summary(); got != "nothing granted" {
		t.Errorf("Summary() = %q", got)
	}
}

func TestPermissionsAllowOnlyWhatIsListed(t *testing.T) {
	p := Permissions{
		Push: {"tenant": {Update, Create}, "unit": {}},
		Pull: {"tenant": {Delete}},
	}
	type q struct {
		dir    Direction
		entity string
		action Action
	}
	want := map[q]bool{
		{Push, "tenant", Create}: true, {Push, "tenant", Update}: true, {Push, "tenant", Delete}: false,
		{Push, "unit", Create}: false, {Pull, "tenant", Delete}: true, {Pull, "tenant", Update}: false,
		{Push, "lease", Create}: false, {"sideways", "tenant", Create}: false,
	}
	for k, w := range want {
		if got := p.Allows(k.dir, k.entity, k.action); got != w {
			t.Errorf("Allows(%s, %s, %s) = %v; want %v", k.dir, k.entity, k.action, got, w)
		}
	}
	wantGrants := []Grant{
		{Direction: Push, Entity: "tenant", Actions: []Action{Create, Update}},
		{Direction: Pull, Entity: "tenant", Actions: []Action{Delete}},
	}
	if d := cmp.Diff(wantGrants, p.Grants()); d != "" {
		t.Errorf("Grants (-want +got):\n%s", d)
	}
	if d := cmp.Diff("push tenant: create, update\npull tenant: delete", p.Summary()); d != "" {
		t.Errorf("Summary (-want +got):\n%s", d)
	}
}

func TestDirectionOpposite(t *testing.T) {
	if Push.Opposite() != Pull || Pull.Opposite() != Push {
		t.Errorf("Opposite: push->%s, pull->%s", Push.Opposite(), Pull.Opposite())
	}
}
