package scaffold

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatchFields(t *testing.T) {
	model := []string{"first_name", "last_name", "email", "zip", "street", "phone", "building_no", "customer_ref", "name"}
	vendor := []field{
		{path: "givenName", name: "givenName"},
		{path: "FamilyName", name: "FamilyName"},
		{path: "e-mail", name: "e-mail"},
		{path: "address.postcode", name: "postcode"},
		{path: "address.address1", name: "address1"},
		{path: "telephone", name: "telephone"},
		{path: "buildingId", name: "buildingId"}, // an id is not a number
		{path: "customerRefs", name: "customerRefs"},
		{path: "nam", name: "nam"}, // too short to be a typo of name
	}
	got := map[string]string{}
	for _, p := range matchFields(model, vendor) {
		got[p.model] = p.vendor.path
	}
	want := map[string]string{
		"first_name": "givenName", "last_name": "FamilyName", "email": "e-mail", "zip": "address.postcode",
		"street": "address.address1", "phone": "telephone", "customer_ref": "customerRefs",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("matches (-want +got):\n%s", d)
	}
}

func TestMatchFieldsPrefersExact(t *testing.T) {
	got := matchFields([]string{"email"}, []field{{path: "mail", name: "mail"}, {path: "email", name: "email"}})
	if len(got) != 1 || got[0].vendor.path != "email" {
		t.Errorf("got %+v, want email matched to email, not to its synonym", got)
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"purchase-orders": "purchaseOrder", "categories": "category", "addresses": "address", "boxes": "box",
		"status": "status", "news": "news", "users": "user", "HTTPHeaders": "httpHeader",
	} {
		if got := singular(camel(in)); got != want {
			t.Errorf("singular(camel(%q)) = %q, want %q", in, got, want)
		}
	}
	if got := flat("Postal_Code-X"); got != "postalcodex" {
		t.Errorf("flat = %q", got)
	}
}

func TestNameCollections(t *testing.T) {
	cs := []*collection{{path: "/store/orders"}, {path: "/admin/orders"}, {path: "/records"}, {path: "/api/instances"}, {path: "/people-groups"}}
	nameCollections(cs)
	var got []string
	for _, c := range cs {
		got = append(got, c.name)
	}
	want := []string{"storeOrder", "adminOrder", "recordItem", "instanceItem", "peopleGroup"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
}
