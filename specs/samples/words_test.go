package samples

import (
	"testing"
)

func TestSingularAndNames(t *testing.T) {
	for plural, want := range map[string]string{
		"users": "user", "properties": "property", "addresses": "address", "boxes": "box", "matches": "match",
		"leases": "lease", "status": "status", "people": "person", "data": "data", "units": "unit", "address": "address",
	} {
		if got := singular(plural); got != want {
			t.Errorf("singular(%q) = %q, want %q", plural, got, want)
		}
	}
	for seg, want := range map[string]string{
		"lease-contracts": "LeaseContract", "lease_contracts": "LeaseContract", "leaseContracts": "LeaseContract",
		"HTTPServers": "HttpServer", "companies": "Company",
	} {
		if got := pascal(singularWords(seg)); got != want {
			t.Errorf("entity of %q = %q, want %q", seg, got, want)
		}
	}
}

func TestIsID(t *testing.T) {
	for seg, want := range map[string]bool{
		"42": true, "abcdefab-cdef-4bcd-abcd-abcdefabcdef": true, "3f2c8a90-6b1d-4e27-8c4f-0a9d5e7b1c62": true, "c0ffee00c0ffee00c0ffee00": true,
		"cus_9s6XKzkNRiz8i3": true, "01HZX3K4M5N6P7Q8R9S0T1V2W3": true, "2024-05-01": true, "a.b@example.com": true,
		"users": false, "v2": false, "me": false, "2fa-settings": false, "oauth2": false, "lease-contracts": false,
		"ISO8601": false,
	} {
		if got := isID(seg); got != want {
			t.Errorf("isID(%q) = %v, want %v", seg, got, want)
		}
	}
}

func TestRouteNames(t *testing.T) {
	routes := groupRoutes([]*Sample{
		{Method: "GET", Path: "/users/42/orders/7"},
		{Method: "GET", Path: "/users/43/orders/8"},
		{Method: "GET", Path: "/users/me"},
		{Method: "GET", Path: "/files/2024/05"},
		{Method: "GET", Path: "/{tenant}/settings"},
		{Method: "GET", Path: "/"},
	})
	var got []string
	for _, r := range routes {
		got = append(got, r.path)
	}
	want := []string{"/", "/files/{fileId}/{id}", "/users/me", "/users/{userId}/orders/{orderId}", "/{tenant}/settings"}
	if len(got) != len(want) {
		t.Fatalf("routes %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("routes %q, want %q", got, want)
			break
		}
	}
}
