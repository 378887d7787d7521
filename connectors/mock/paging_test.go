package mock

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// maxWalk guards the page walks of the tests against endless listings.
const maxWalk = 1000

// walker lists every record of an entity through one paging style and
// returns the keys in the order seen and the number of pages.
type walker func(t *testing.T, base string, auth []string) (keys []string, pages int)

func TestEveryPagingStyleListsEveryRecordOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, spec, entity, key string
		n                       int
		walk                    walker
	}{
		{"page", "testdata/rest.json", "unit", "externalId", 101, walkPageNumbers},
		{"offset", "testdata/rest.json", "owner", "ownerNumber", 95, walkOffsets},
		{"cursor", "testdata/rest.json", "lease", "leaseNo", 120, walkCursor},
		{"link header", "testdata/rest.json", "contract", "number", 41, walkLinkHeader},
		{"next link", "testdata/nextlink.json", "tenant", "externalId", 133, walkNextLink},
		{"graphql offset", "testdata/graphql.json", "tenant", "externalTenantId", 77, walkGraphQLOffset},
		{"graphql connection", "testdata/graphql.json", "unit", "externalUnitId", 60, walkConnection},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, hs := serve(t, tc.spec, Options{})
			want := makeKeys(tc.entity, tc.n)
			seedKeys(t, srv, tc.entity, tc.key, want)
			got, pages := tc.walk(t, hs.URL, authFor(t, tc.spec, hs.URL))
			if diff := cmp.Diff(want, sorted(got)); diff != "" {
				t.Errorf("keys listed (-want +got):\n%s", diff)
			}
			if len(got) != tc.n {
				t.Errorf("listed %d records, want %d (duplicates?)", len(got), tc.n)
			}
			if pages < 2 {
				t.Errorf("listing took %d page(s); the test wants several", pages)
			}
		})
	}
}

// seedKeys seeds one record per key; the owner records share a type so
// that shared collections keep them apart.
func seedKeys(t *testing.T, srv *Server, entity, keyField string, keys []string) {
	t.Helper()
	recs := make([]map[string]any, len(keys))
	for i, k := range keys {
		recs[i] = map[string]any{keyField: k, "name": "n" + k, "lastName": "L" + k, "type": "TENANT", "rent": 100}
	}
	if err := srv.Seed(entity, recs); err != nil {
		t.Fatal(err)
	}
}

// authFor returns the headers that authenticate against the spec.
func authFor(t *testing.T, spec, base string) []string {
	switch spec {
	case "testdata/nextlink.json":
		return []string{"token: " + login(t, base)}
	case "testdata/graphql.json":
		return []string{"Authorization: Bearer " + clientToken(t, base)}
	}
	return nil
}

func login(t *testing.T, base string) string {
	t.Helper()
	r := call(t, "POST", base+"/authenticate", map[string]any{"key": "k", "secret": "s"}).want(t, 200)
	token, _ := r.at("token").(string)
	if token == "" {
		t.Fatalf("login answered no token: %s", r.raw)
	}
	return token
}

func clientToken(t *testing.T, base string) string {
	t.Helper()
	r := postForm(t, base+"/accounts/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"id"}, "client_secret": {"secret"}}).want(t, 200)
	token, _ := r.at("access_token").(string)
	if token == "" {
		t.Fatalf("token endpoint answered no token: %s", r.raw)
	}
	return token
}

func walkPageNumbers(t *testing.T, base string, auth []string) (keys []string, pages int) {
	for page := 1; pages < maxWalk; page++ {
		r := call(t, "GET", fmt.Sprintf("%s/units?page=%d&pageSize=%d", base, page, 9), nil, auth...).want(t, 200)
		recs := r.records(t, "data")
		pages++
		keys = append(keys, keysOf(recs, "externalId")...)
		if len(recs) == 0 || len(keys) >= num(t, r.at("meta.total")) {
			return keys, pages
		}
	}
	t.Fatal("page walk does not end")
	return nil, 0
}

func walkOffsets(t *testing.T, base string, auth []string) (keys []string, pages int) {
	for offset := 0; pages < maxWalk; {
		r := call(t, "GET", fmt.Sprintf("%s/owners?offset=%d", base, offset), nil, auth...).want(t, 200)
		recs := r.records(t, "items")
		pages++
		keys = append(keys, keysOf(recs, "ownerNumber")...)
		offset += len(recs)
		if r.at("hasMore") != true {
			return keys, pages
		}
	}
	t.Fatal("offset walk does not end")
	return nil, 0
}

func walkCursor(t *testing.T, base string, auth []string) (keys []string, pages int) {
	next := base + "/leases?limit=17"
	for pages < maxWalk {
		r := call(t, "GET", next, nil, auth...).want(t, 200)
		pages++
		keys = append(keys, keysOf(r.records(t, "leases"), "leaseNo")...)
		cursor, _ := r.at("nextCursor").(string)
		if cursor == "" {
			return keys, pages
		}
		next = base + "/leases?limit=17&cursor=" + url.QueryEscape(cursor)
	}
	t.Fatal("cursor walk does not end")
	return nil, 0
}

var linkNext = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

func walkLinkHeader(t *testing.T, base string, auth []string) (keys []string, pages int) {
	next := base + "/contracts?per_page=8"
	for pages < maxWalk {
		r := call(t, "GET", next, nil, auth...).want(t, 200)
		pages++
		keys = append(keys, keysOf(r.records(t, ""), "number")...)
		m := linkNext.FindStringSubmatch(r.header.Get("Link"))
		if m == nil {
			return keys, pages
		}
		next = m[1]
	}
	t.Fatal("link header walk does not end")
	return nil, 0
}

func walkNextLink(t *testing.T, base string, auth []string) (keys []string, pages int) {
	next := base + "/v2/contacts?type=TENANT"
	for pages < maxWalk {
		r := call(t, "GET", next, nil, auth...).want(t, 200)
		pages++
		keys = append(keys, keysOf(r.records(t, "items"), "externalId")...)
		href, _ := r.at("_links.next.href").(string)
		if href == "" {
			return keys, pages
		}
		next = href
	}
	t.Fatal("next link walk does not end")
	return nil, 0
}

const tenantsQuery = `query($input: TenantQuery) {
  tenants(input: $input) { total items { id externalTenantId firstName lastName coldRent updatedAt } }
}`

func walkGraphQLOffset(t *testing.T, base string, auth []string) (keys []string, pages int) {
	for skip := 0; pages < maxWalk; {
		vars := map[string]any{"input": map[string]any{"paging": map[string]any{"skip": skip, "take": 20}}}
		r := gql(t, base, tenantsQuery, vars, auth...).want(t, 200)
		recs := r.records(t, "data.tenants.items")
		pages++
		keys = append(keys, keysOf(recs, "externalTenantId")...)
		skip += len(recs)
		if len(recs) == 0 || skip >= num(t, r.at("data.tenants.total")) {
			return keys, pages
		}
	}
	t.Fatal("graphql offset walk does not end")
	return nil, 0
}

const unitsQuery = `query($first: Int, $after: String) {
  units(first: $first, after: $after) { edges { cursor node { id externalUnitId label } } pageInfo { endCursor hasNextPage } }
}`

func walkConnection(t *testing.T, base string, auth []string) (keys []string, pages int) {
	vars := map[string]any{"first": 11}
	for pages < maxWalk {
		r := gql(t, base, unitsQuery, vars, auth...).want(t, 200)
		pages++
		edges := r.records(t, "data.units.edges")
		for _, e := range edges {
			keys = append(keys, textAt(e, "node.externalUnitId"))
		}
		if n := len(edges); n > 0 && edges[n-1]["cursor"] != r.at("data.units.pageInfo.endCursor") {
			t.Errorf("last edge's cursor %v is not the end cursor %v", edges[n-1]["cursor"], r.at("data.units.pageInfo.endCursor"))
		}
		if r.at("data.units.pageInfo.hasNextPage") != true {
			return keys, pages
		}
		vars = map[string]any{"first": 11, "after": r.at("data.units.pageInfo.endCursor")}
	}
	t.Fatal("connection walk does not end")
	return nil, 0
}

func TestCursorListingSurvivesDeletesAndCompaction(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	keys := makeKeys("lease", 3000)
	seedKeys(t, srv, "lease", "leaseNo", keys)
	// First page, then delete two thirds of all records (enough to compact).
	r := call(t, "GET", hs.URL+"/leases?limit=100", nil).want(t, 200)
	seen := keysOf(r.records(t, "leases"), "leaseNo")
	var want []string
	want = append(want, seen...)
	for i, k := range keys {
		if i < 100 || i%3 == 0 {
			if i >= 100 {
				want = append(want, k)
			}
			continue
		}
		if _, err := srv.cat.entities["lease"].coll.remove(k); err != nil {
			t.Fatal(err)
		}
	}
	cursor, _ := r.at("nextCursor").(string)
	for pages := 0; cursor != "" && pages < maxWalk; pages++ {
		r = call(t, "GET", hs.URL+"/leases?limit=100&cursor="+url.QueryEscape(cursor), nil).want(t, 200)
		seen = append(seen, keysOf(r.records(t, "leases"), "leaseNo")...)
		cursor, _ = r.at("nextCursor").(string)
	}
	if diff := cmp.Diff(sorted(want), sorted(seen)); diff != "" {
		t.Errorf("keys listed across deletes (-want +got):\n%s", diff)
	}
	if len(seen) != len(want) {
		t.Errorf("listed %d records, want %d", len(seen), len(want))
	}
}

func TestBadCursorIsRefused(t *testing.T) {
	t.Parallel()
	_, hs := serve(t, "testdata/rest.json", Options{})
	r := call(t, "GET", hs.URL+"/leases?cursor=garbage", nil).want(t, 400)
	if got := r.at("errors"); got == nil {
		t.Errorf("problem names no field: %s", r.raw)
	}
}

func TestPageNumbersBeyondTheEndGiveEmptyPages(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/rest.json", Options{})
	seedKeys(t, srv, "unit", "externalId", makeKeys("unit", 3))
	for _, page := range []string{"2", "9223372036854775807"} {
		r := call(t, "GET", hs.URL+"/units?pageSize=5&page="+page, nil).want(t, 200)
		if n := len(r.records(t, "data")); n != 0 {
			t.Errorf("page %s holds %d records, want 0", page, n)
		}
	}
}
