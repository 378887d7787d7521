package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// TestFieldOwnersOfAPull: the home fields a pull writes follow the
// partner fields they are made of, through the partner's read mapping
// and the home's write mapping; a home field made of partner fields of
// both owners is the home's, and one made of none keeps the entity's
// owner. On push, the partner fields are named directly.
func TestFieldOwnersOfAPull(t *testing.T) {
	t.Parallel()
	partner := &specs.Entity{
		Model: "person", Key: "externalId",
		Fields: map[string]*specs.FieldOptions{"mail": {SourceOfTruth: specs.SidePartner}, "phone": {SourceOfTruth: specs.SidePartner}},
		Read: specs.Mapping{
			"id": "{{ contact.externalId }}", "email": "{{ contact.mail|lower }}", "phone": "{{ record.phone }}",
			"name": "{{ contact.firstName }}",
		},
		Write: specs.Mapping{"externalId": "{{ person.id }}", "mail": "{{ person.email }}", "phone": "{{ person.phone }}", "firstName": "{{ person.name }}"},
	}
	home := &specs.Entity{Model: "person", Key: "id", Write: specs.Mapping{
		"id": "{{ person.id }}", "email": "{{ person.email }}", "contact": map[string]any{"phone": "{{ record.phone }}"},
		"label": "{{ person.name }} <{{ person.email }}>", "source": "{{ instance.source }}",
	}}
	inst := &instance.Instance{}
	pull := &flow{dir: instance.Pull, entity: "contact", model: "person", owner: instance.Push,
		src: side{name: "contact", ent: partner}, dst: side{name: "person", ent: home}}
	pull.fieldOwners = fieldOwners(inst, pull, partner)
	if d := cmp.Diff(map[string]instance.Direction{"email": instance.Pull, "contact": instance.Pull}, pull.fieldOwners); d != "" {
		t.Errorf("pull field owners (-want +got):\n%s", d)
	}
	for field, want := range map[string]bool{"id": true, "email": false, "contact": false, "label": true, "source": true} {
		if got := pull.homeOwns(field); got != want {
			t.Errorf("pull: homeOwns(%q) = %v, want %v", field, got, want)
		}
	}
	if got := pull.updateBody(map[string]any{"id": "p1", "email": "a@b", "label": "x", "contact": map[string]any{}}); !cmp.Equal(got, map[string]any{"id": "p1", "email": "a@b", "contact": map[string]any{}}) {
		t.Errorf("pull update body %v; want the partner's fields and the key", got)
	}

	push := &flow{dir: instance.Push, entity: "contact", model: "person", owner: instance.Push,
		src: side{name: "person", ent: home}, dst: side{name: "contact", ent: partner}}
	push.fieldOwners = fieldOwners(inst, push, partner)
	for field, want := range map[string]bool{"externalId": true, "mail": false, "phone": false, "firstName": true} {
		if got := push.homeOwns(field); got != want {
			t.Errorf("push: homeOwns(%q) = %v, want %v", field, got, want)
		}
	}
	inst.SourceOfTruth = map[string]specs.Side{"contact": specs.SidePartner}
	inst.FieldSourceOfTruth = map[string]map[string]specs.Side{"contact": {"firstName": specs.SideHome}}
	push.owner = ownerOf(inst, "contact", partner)
	push.fieldOwners = fieldOwners(inst, push, partner)
	if d := cmp.Diff(map[string]instance.Direction{"firstName": instance.Push}, push.fieldOwners); d != "" {
		t.Errorf("push field owners of a partner-owned entity (-want +got):\n%s", d)
	}
}
