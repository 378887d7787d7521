package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// TestDecideStage pins what the decide stage makes of mapped records:
// earlier failures and skips carry on; a payload is compared with the
// state's hash and echo; ownership and permission come last.
func TestDecideStage(t *testing.T) {
	t.Parallel()
	broken := reasonf(CodeMissingKey, "no key")
	unmappable := reasonf(CodeMapping, "bad")
	cases := []struct {
		name  string
		dir   instance.Direction
		owner instance.Direction
		perms []instance.Action
		src   source
		m     mapped
		want  decision
	}{
		{name: "read failed", src: source{fail: broken}, want: decision{step: stepFailed, fail: broken}},
		{name: "mapping failed", m: mapped{fail: unmappable}, want: decision{step: stepFailed, fail: unmappable}},
		{name: "filtered", m: mapped{note: noteFiltered}, want: decision{step: stepSkip, action: instance.Skip, note: noteFiltered}},
		{name: "unchanged", src: source{known: store.Known{Hash: "h1"}}, m: mapped{hash: "h1"},
			want: decision{step: stepSkip, action: instance.Skip, note: noteUnchanged}},
		{name: "echo of a known record is adopted", src: source{known: store.Known{Hash: "h0", Echo: "h1", PartnerID: "P-1"}}, m: mapped{hash: "h1"},
			want: decision{step: stepAdopt, action: instance.Skip, note: noteEcho, id: "P-1"}},
		{name: "echo without an id is skipped", src: source{known: store.Known{Echo: "h1"}}, m: mapped{hash: "h1"},
			want: decision{step: stepSkip, action: instance.Skip, note: noteEcho}},
		{name: "new", m: mapped{hash: "h1"}, perms: []instance.Action{instance.Create}, want: decision{step: stepWrite, action: instance.Create}},
		{name: "changed", src: source{known: store.Known{Hash: "h0", PartnerID: "P-1"}}, m: mapped{hash: "h1"}, perms: []instance.Action{instance.Update},
			want: decision{step: stepWrite, action: instance.Update}},
		{name: "create not granted", m: mapped{hash: "h1"}, perms: []instance.Action{instance.Update}, want: decision{step: stepDenied, action: instance.Create}},
		{name: "changed on the side that does not own it", owner: instance.Pull, src: source{known: store.Known{Hash: "h0", PartnerID: "P-1"}},
			m: mapped{hash: "h1"}, perms: []instance.Action{instance.Update}, want: decision{step: stepConflict, action: instance.Update}},
		{name: "pull: a record the home has", dir: instance.Pull, owner: instance.Pull, src: source{srcID: "P-1", known: store.Known{Echo: "h9"}},
			m: mapped{hash: "h1"}, perms: []instance.Action{instance.Update}, want: decision{step: stepWrite, action: instance.Update}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, owner := orDefault(c.dir, instance.Push), orDefault(c.owner, instance.Push)
			f := &flow{dir: dir, owner: owner, entity: "tenant"}
			d := &decideStage{perms: instance.Permissions{dir: {"tenant": c.perms}}}
			m := c.m
			m.src = &c.src
			got := d.page(f, []mapped{m})[0]
			got.m, c.want.m = nil, nil
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(decision{}, failure{})); diff != "" {
				t.Errorf("decision (-want +got):\n%s", diff)
			}
		})
	}
}
