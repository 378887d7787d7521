package mock

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	upsertTenant = "mutation($t: TenantInput!) {\n  upsertTenant(tenant: $t) { id }\n}"
	deleteTenant = `mutation ($id: String) { deleteTenant(externalId: $id) { statusCode, message } }`
	createUnit   = `mutation($u: UnitInput!){createUnit(unit:$u){id}}`
)

// graphQLServer serves the GraphQL test spec and returns its auth header.
func graphQLServer(t *testing.T, opts Options) (*Server, string, string) {
	t.Helper()
	srv, hs := serve(t, "testdata/graphql.json", opts)
	return srv, hs.URL, "Authorization: Bearer " + clientToken(t, hs.URL)
}

func TestGraphQLUpsertIsIdempotent(t *testing.T) {
	t.Parallel()
	srv, base, auth := graphQLServer(t, Options{})
	tenant := map[string]any{"externalTenantId": "T-1", "firstName": "Ina", "lastName": "Meyer", "coldRent": "812.50"}

	first := gql(t, base, upsertTenant, map[string]any{"t": tenant}, auth).want(t, 200)
	id, _ := first.at("data.upsertTenant.id").(string)
	if len(id) != 36 {
		t.Fatalf("data.upsertTenant.id = %v: %s", first.at("data.upsertTenant.id"), first.raw)
	}
	again := gql(t, base, upsertTenant, map[string]any{"t": tenant}, auth).want(t, 200)
	if got := again.at("data.upsertTenant.id"); got != id {
		t.Errorf("second upsert answered id %v, want %s", got, id)
	}
	recs := srv.Records("tenant")
	if len(recs) != 1 || recs[0]["coldRent"] != "812.50" || recs[0]["id"] != id {
		t.Errorf("records = %v", recs)
	}
	if st := srv.Stats(); st.Creates != 1 || st.Updates != 1 || st.ByOperation["tenant.upsert"] != 2 {
		t.Errorf("creates %d updates %d upserts %d", st.Creates, st.Updates, st.ByOperation["tenant.upsert"])
	}
}

func TestGraphQLInputIsValidated(t *testing.T) {
	t.Parallel()
	srv, base, auth := graphQLServer(t, Options{})
	bad := map[string]any{"t": map[string]any{"externalTenantId": "T-1", "coldRent": "1.234,56"}}
	r := gql(t, base, upsertTenant, bad, auth).want(t, 200)
	if r.at("data") != nil {
		t.Errorf("data = %v, want null", r.at("data"))
	}
	errs, _ := r.at("errors").([]any)
	if len(errs) != 1 {
		t.Fatalf("errors = %s", r.raw)
	}
	e := errs[0].(map[string]any)
	ext := e["extensions"].(map[string]any)
	msg := e["message"].(string)
	if ext["code"] != "BAD_USER_INPUT" || !strings.HasPrefix(ext["field"].(string), "t/") {
		t.Errorf("extensions = %v", ext)
	}
	for _, want := range []string{"/coldRent", "lastName"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %s", msg, want)
		}
	}
	if strings.Contains(msg, "1.234,56") {
		t.Errorf("message repeats the value: %q", msg)
	}
	if n := len(srv.Records("tenant")); n != 0 {
		t.Errorf("invalid upsert stored %d records", n)
	}
}

func TestGraphQLUnknownQueryAndBadEnvelope(t *testing.T) {
	t.Parallel()
	_, base, auth := graphQLServer(t, Options{})
	r := gql(t, base, `query { everything { id } }`, nil, auth).want(t, 200)
	if got := r.at("errors"); got == nil {
		t.Errorf("unknown query answered %s", r.raw)
	}
	call(t, "POST", base+"/graphql", map[string]any{"variables": map[string]any{}}, auth).want(t, 400)
	call(t, "POST", base+"/graphql", map[string]any{"query": 7}, auth).want(t, 400)
}

func TestGraphQLDeleteByKey(t *testing.T) {
	t.Parallel()
	srv, base, auth := graphQLServer(t, Options{})
	for _, k := range []string{"T-1", "T-2"} {
		gql(t, base, upsertTenant, map[string]any{"t": map[string]any{"externalTenantId": k, "lastName": "L"}}, auth).want(t, 200)
	}
	r := gql(t, base, deleteTenant, map[string]any{"id": "T-1"}, auth).want(t, 200)
	if r.at("errors") != nil || r.at("data.deleteTenant.externalTenantId") != "T-1" {
		t.Errorf("delete answered %s", r.raw)
	}
	r = gql(t, base, deleteTenant, map[string]any{"id": "T-1"}, auth).want(t, 200)
	if code := r.at("errors").([]any)[0].(map[string]any)["extensions"].(map[string]any)["code"]; code != "NOT_FOUND" {
		t.Errorf("second delete: code %v", code)
	}
	if diff := cmp.Diff([]string{"T-2"}, keysOf(srv.Records("tenant"), "externalTenantId")); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

func TestGraphQLIncrementalAndListGolden(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv, base, auth := graphQLServer(t, Options{Now: clk.Now, Seed: 5})
	err := srv.Seed("tenant", []map[string]any{
		{"externalTenantId": "T-1", "lastName": "Alt", "coldRent": "700.00", "updatedAt": "2025-01-01T10:00:00Z"},
		{"externalTenantId": "T-2", "lastName": "Alt", "coldRent": "650.10", "updatedAt": "2025-01-02T10:00:00+01:00"},
	})
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	gql(t, base, upsertTenant, map[string]any{"t": map[string]any{"externalTenantId": "T-3", "lastName": "Neu", "coldRent": "1020.00"}}, auth).want(t, 200)

	vars := map[string]any{"input": map[string]any{"filter": map[string]any{"updatedAfter": "2025-01-02T00:00:00Z"}}}
	r := gql(t, base, tenantsQuery, vars, auth).want(t, 200)
	checkJSON(t, "testdata/golden/graphql_tenants_since.json", r.raw)
}

func TestGraphQLCreateUnit(t *testing.T) {
	t.Parallel()
	srv, base, auth := graphQLServer(t, Options{})
	r := gql(t, base, createUnit, map[string]any{"u": map[string]any{"externalUnitId": "U-1", "label": "EG links"}}, auth).want(t, 200)
	if id, _ := r.at("data.createUnit.id").(string); id == "" {
		t.Errorf("create answered %s", r.raw)
	}
	r = gql(t, base, createUnit, map[string]any{"u": map[string]any{"externalUnitId": "U-1"}}, auth).want(t, 200)
	if code := r.at("errors").([]any)[0].(map[string]any)["extensions"].(map[string]any)["code"]; code != "CONFLICT" {
		t.Errorf("duplicate create: code %v", code)
	}
	if srv.Count("unit") != 1 {
		t.Errorf("count = %d, want 1", srv.Count("unit"))
	}
}

func TestNormalizeGraphQL(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"mutation($t: TenantInput!) {\n  upsertTenant(tenant: $t) { id }\n}": "mutation($t:TenantInput!){upsertTenant(tenant:$t){id}}",
		"query  Q ( $a : Int , $b:String ) { x ( a : $a ) { y z } } # note":  "query Q($a:Int$b:String){x(a:$a){y z}}",
		`query { x(s: "a  ,  b") { y } }`:                                    `query{x(s:"a  ,  b"){y}}`,
	}
	for in, want := range tests {
		if got := normalizeGraphQL(in); got != want {
			t.Errorf("normalizeGraphQL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := firstField(normalizeGraphQL("mutation { t: upsertTenant(x: 1) { id } }")); got != "t" {
		t.Errorf("firstField with alias = %q, want t", got)
	}
}
