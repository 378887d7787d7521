package standins

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// everrealServer runs an EverReal stand-in for one test.
func everrealServer(t *testing.T, opts EverRealOptions) (*EverReal, *httptest.Server) {
	t.Helper()
	e, err := NewEverReal(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv
}

// token gets an access token with the password grant.
func token(t *testing.T, base string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+EverRealTokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	creds := DemoCredentials()
	req.SetBasicAuth(creds["EVERREAL_CLIENT_ID"], creds["EVERREAL_CLIENT_SECRET"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func passwordForm() url.Values {
	creds := DemoCredentials()
	return url.Values{"grant_type": {"password"}, "username": {creds["EVERREAL_USERNAME"]}, "password": {creds["EVERREAL_PASSWORD"]}}
}

func accessToken(t *testing.T, base string) string {
	t.Helper()
	status, body := token(t, base, passwordForm())
	if status != http.StatusOK {
		t.Fatalf("token: %d %v", status, body)
	}
	return body["access_token"].(string)
}

// gqlResult is a decoded GraphQL answer.
type gqlResult struct {
	status int
	header http.Header
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResult) errorText() string {
	var msgs []string
	for _, e := range r.Errors {
		msgs = append(msgs, e.Message)
	}
	return strings.Join(msgs, "; ")
}

// gql posts a GraphQL request with tok.
func gql(t *testing.T, base, tok, query string, vars map[string]any) gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+EverRealGraphQLPath, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	res := gqlResult{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

// mustGQL fails the test on any error.
func mustGQL(t *testing.T, base, tok, query string, vars map[string]any) map[string]any {
	t.Helper()
	res := gql(t, base, tok, query, vars)
	if res.status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("status %d, errors: %s\nquery: %s", res.status, res.errorText(), query)
	}
	return res.Data
}

var meta = map[string]any{"source": "TEST_ERP"}

// importInputs are one record of each kind, in import order, as the
// spec's upsert variables.
func importInputs() []map[string]any {
	return []map[string]any{
		{"owner": map[string]any{"meta": meta, "externalOwnerId": "1000-80001", "firstName": "Lieselotte", "lastName": "Schäfer",
			"address":           map[string]any{"street": "Hohenzollernring", "number": "48", "zip": "50672", "city": "Köln", "country": "DE"},
			"customFieldValues": []any{map[string]any{"key": "erpPersonNo", "value": "80001"}}}},
		{"group": map[string]any{"meta": meta, "externalPropertyGroupId": "1000-0001", "name": "Wohnanlage Lindenhof"}},
		{"property": map[string]any{"meta": meta, "externalPropertyId": "1000-0001-01", "externalPropertyGroupId": "1000-0001",
			"externalOwnerId": "1000-80001", "name": "Haus A", "type": "BUILDING", "category": "RESIDENTIAL"}},
		{"unit": map[string]any{"meta": meta, "externalUnitId": "1000-0001-01-0003", "externalPropertyId": "1000-0001-01",
			"name": "Wohnung 3, 1. OG links", "type": "APARTMENT", "category": "RESIDENTIAL", "floorNo": 1, "livingSurface": "74.35", "rooms": "2.5"}},
	}
}

func tenantVars(unitID string) map[string]any {
	return map[string]any{"meta": meta, "externalTenantId": "1000-0001-01-0003-02", "unitId": unitID, "externalUnitId": "1000-0001-01-0003",
		"firstName": "Jürgen", "lastName": "Weiß", "coldRent": "850.00", "contractStartDate": "2021-08-01"}
}

// specDocs returns the entities of everreal.json, with their GraphQL
// documents.
func specDocs(t *testing.T) map[string]*specs.Entity {
	t.Helper()
	spec, found, err := specs.Load("../realestate/everreal.json", specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
	if err != nil || found.HasErrors() {
		t.Fatalf("loading everreal.json: %v %v", err, found)
	}
	return spec.Sync.Entities
}

// TestEverRealRunsTheSpecDocuments runs every GraphQL document of
// examples/realestate/everreal.json against the stand-in: the upserts in
// import order, the lists, the candidate query and the deletes.
func TestEverRealRunsTheSpecDocuments(t *testing.T) {
	t.Parallel()
	e, srv := everrealServer(t, EverRealOptions{})
	if _, err := e.AddCandidate(DemoCandidates()[0]); err != nil {
		t.Fatal(err)
	}
	tok := accessToken(t, srv.URL)
	ents := specDocs(t)
	var unitID string
	for i, name := range []string{"owner", "propertyGroup", "property", "unit"} {
		data := mustGQL(t, srv.URL, tok, ents[name].Upsert.GraphQL, importInputs()[i])
		if name == "unit" {
			unitID = data["upsertUnit"].(map[string]any)["id"].(string)
		}
	}
	mustGQL(t, srv.URL, tok, ents["tenant"].Upsert.GraphQL, map[string]any{"t": tenantVars(unitID)})
	paging := map[string]any{"input": map[string]any{"paging": map[string]any{"skip": 0, "take": 100}}}
	lists := map[string]string{"owner": "owners", "propertyGroup": "propertyGroups", "property": "properties", "unit": "units", "tenant": "tenants", "candidate": "candidates"}
	for name, field := range lists {
		data := mustGQL(t, srv.URL, tok, ents[name].List.GraphQL, paging)
		if got := data[field].(map[string]any)["total"]; got != 1.0 {
			t.Errorf("%s: total %v, want 1", field, got)
		}
	}
	cand := e.Candidates()[0]
	data := mustGQL(t, srv.URL, tok, ents["candidate"].Get.GraphQL, map[string]any{"id": cand.ID})
	if got := data["candidate"].(map[string]any)["lastName"]; got != "Müller-Lüdenscheid" {
		t.Errorf("candidate lastName = %v", got)
	}
	for _, name := range []string{"tenant", "unit", "property", "propertyGroup", "owner"} {
		key := map[string]string{"tenant": "1000-0001-01-0003-02", "unit": "1000-0001-01-0003", "property": "1000-0001-01", "propertyGroup": "1000-0001", "owner": "1000-80001"}[name]
		mustGQL(t, srv.URL, tok, ents[name].Delete.GraphQL, map[string]any{"externalId": key})
	}
	if got := e.Stats(); got.Creates != 5 || got.Detaches != 5 {
		t.Errorf("stats %+v; want 5 creates and 5 detaches", got)
	}
}

// importAll imports one owner, group, property and unit and returns the
// unit's EverReal id.
func importAll(t *testing.T, base, tok string) string {
	t.Helper()
	ents := specDocs(t)
	var unitID string
	for i, name := range []string{"owner", "propertyGroup", "property", "unit"} {
		data := mustGQL(t, base, tok, ents[name].Upsert.GraphQL, importInputs()[i])
		if name == "unit" {
			unitID = data["upsertUnit"].(map[string]any)["id"].(string)
		}
	}
	return unitID
}

const upsertTenant = `mutation($t: TenantInput!) { upsertTenant(tenant: $t) { id externalTenantId lastName coldRent contracts } }`

func TestEverRealUpsertsByExternalID(t *testing.T) {
	t.Parallel()
	e, srv := everrealServer(t, EverRealOptions{})
	tok := accessToken(t, srv.URL)
	unitID := importAll(t, srv.URL, tok)
	in := tenantVars(unitID)
	first := mustGQL(t, srv.URL, tok, upsertTenant, map[string]any{"t": in})["upsertTenant"].(map[string]any)
	in["coldRent"] = "875.00"
	second := mustGQL(t, srv.URL, tok, upsertTenant, map[string]any{"t": in})["upsertTenant"].(map[string]any)
	if first["id"] != second["id"] {
		t.Errorf("second upsert made a new tenant %v, want the same id %v", second["id"], first["id"])
	}
	tenants := e.Tenants()
	if len(tenants) != 1 || tenants[0].ColdRent != "875.00" || tenants[0].LastName != "Weiß" {
		t.Errorf("tenants = %+v; want one with cold rent 875.00", tenants)
	}
}

// TestEverRealRefusesBadInput covers GraphQL's required fields and the
// stand-in's own checks, each naming the field.
func TestEverRealRefusesBadInput(t *testing.T) {
	t.Parallel()
	_, srv := everrealServer(t, EverRealOptions{})
	tok := accessToken(t, srv.URL)
	unitID := importAll(t, srv.URL, tok)
	cases := []struct {
		name   string
		change func(map[string]any)
		want   string
	}{
		{"missing lastName", func(m map[string]any) { delete(m, "lastName") }, "lastName"},
		{"empty lastName", func(m map[string]any) { m["lastName"] = "" }, "tenant.lastName: must not be empty"},
		{"impossible date", func(m map[string]any) { m["contractStartDate"] = "2023-02-30" }, `tenant.contractStartDate: "2023-02-30" is not a date`},
		{"rent with comma", func(m map[string]any) { m["coldRent"] = "850,00" }, `tenant.coldRent: "850,00" is not numeric`},
		{"unknown unit", func(m map[string]any) { m["externalUnitId"] = "1000-9999-01-0001" }, "tenant.externalUnitId: no unit has the external id"},
		{"unit ids disagree", func(m map[string]any) { m["unitId"] = "not-a-unit" }, `tenant.unitId: no unit has the EverReal id "not-a-unit"`},
		{"no meta", func(m map[string]any) { delete(m, "meta") }, "meta"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tenantVars(unitID)
			tc.change(in)
			res := gql(t, srv.URL, tok, upsertTenant, map[string]any{"t": in})
			if len(res.Errors) == 0 || !strings.Contains(res.errorText(), tc.want) {
				t.Errorf("errors %q; want one containing %q", res.errorText(), tc.want)
			}
		})
	}
}

func TestEverRealImportOrder(t *testing.T) {
	t.Parallel()
	_, srv := everrealServer(t, EverRealOptions{})
	tok := accessToken(t, srv.URL)
	ents := specDocs(t)
	res := gql(t, srv.URL, tok, ents["unit"].Upsert.GraphQL, importInputs()[3])
	if want := `unit.externalPropertyId: no property has the external id "1000-0001-01"`; !strings.Contains(res.errorText(), want) {
		t.Errorf("unit before its property: errors %q, want %q", res.errorText(), want)
	}
	if len(res.Errors) > 0 && res.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("extensions %v; want code BAD_USER_INPUT", res.Errors[0].Extensions)
	}
}

// TestEverRealDeleteTenantDetaches: the tenant stays, no longer owned by
// the integration, out of the integration's list; removeTenant is refused
// while the tenant has a contract.
func TestEverRealDeleteTenantDetaches(t *testing.T) {
	t.Parallel()
	e, srv := everrealServer(t, EverRealOptions{})
	tok := accessToken(t, srv.URL)
	unitID := importAll(t, srv.URL, tok)
	id := mustGQL(t, srv.URL, tok, upsertTenant, map[string]any{"t": tenantVars(unitID)})["upsertTenant"].(map[string]any)["id"].(string)
	del := mustGQL(t, srv.URL, tok, specDocs(t)["tenant"].Delete.GraphQL, map[string]any{"externalId": "1000-0001-01-0003-02"})
	if code := del["deleteTenant"].(map[string]any)["statusCode"]; code != 200.0 {
		t.Errorf("deleteTenant statusCode %v", code)
	}
	got := e.Tenants()
	if len(got) != 1 || got[0].Integration || got[0].ID != id {
		t.Fatalf("after deleteTenant: %+v; want the tenant kept, detached", got)
	}
	list := mustGQL(t, srv.URL, tok, `{ tenants { total } }`, nil)
	if total := list["tenants"].(map[string]any)["total"]; total != 0.0 {
		t.Errorf("integration's tenant list has %v tenants after the detach, want 0", total)
	}
	res := gql(t, srv.URL, tok, `mutation($id: String) { removeTenant(id: $id) }`, map[string]any{"id": id})
	if !strings.Contains(res.errorText(), "still has 1 contract") {
		t.Errorf("removeTenant with a contract: errors %q", res.errorText())
	}
	in := tenantVars(unitID)
	in["externalTenantId"], in["contractStartDate"] = "no-contract", nil
	free := mustGQL(t, srv.URL, tok, upsertTenant, map[string]any{"t": in})["upsertTenant"].(map[string]any)["id"]
	if ok := mustGQL(t, srv.URL, tok, `mutation($id: String) { removeTenant(id: $id) }`, map[string]any{"id": free}); ok["removeTenant"] != true {
		t.Errorf("removeTenant without contracts = %v", ok)
	}
	if n := len(e.Tenants()); n != 1 {
		t.Errorf("%d tenants after removing one of two", n)
	}
}

func TestEverRealTokens(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 3, 14, 23, 0, 0, 0, time.UTC)}
	_, srv := everrealServer(t, EverRealOptions{TokenTTL: time.Minute, Now: clock.Now})
	if res := gql(t, srv.URL, "", `{ owners { total } }`, nil); res.status != http.StatusUnauthorized {
		t.Errorf("without token: status %d, want 401", res.status)
	}
	wrong := passwordForm()
	wrong.Set("password", "guess")
	if status, body := token(t, srv.URL, wrong); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("wrong password: %d %v", status, body)
	}
	status, body := token(t, srv.URL, passwordForm())
	if status != http.StatusOK || body["expires_in"] != 60.0 {
		t.Fatalf("password grant: %d %v", status, body)
	}
	tok, refresh := body["access_token"].(string), body["refresh_token"].(string)
	mustGQL(t, srv.URL, tok, `{ owners { total } }`, nil)
	clock.Add(time.Minute)
	if res := gql(t, srv.URL, tok, `{ owners { total } }`, nil); res.status != http.StatusUnauthorized {
		t.Errorf("expired token: status %d, want 401", res.status)
	}
	status, body = token(t, srv.URL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	if status != http.StatusOK {
		t.Fatalf("refresh grant: %d %v", status, body)
	}
	mustGQL(t, srv.URL, body["access_token"].(string), `{ owners { total } }`, nil)
	if status, _ := token(t, srv.URL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}); status != http.StatusBadRequest {
		t.Errorf("refresh token used twice: status %d, want 400", status)
	}
}

func TestEverRealRateLimit(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2025, 3, 14, 23, 0, 0, 0, time.UTC)}
	e, srv := everrealServer(t, EverRealOptions{RateLimit: 2, Now: clock.Now})
	tok := accessToken(t, srv.URL)
	var got []string
	for range 3 {
		res := gql(t, srv.URL, tok, `{ owners { total } }`, nil)
		h := res.header
		got = append(got, strings.Join([]string{http.StatusText(res.status), h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset")}, " "))
	}
	clock.Add(time.Minute)
	if res := gql(t, srv.URL, tok, `{ owners { total } }`, nil); res.status != http.StatusOK {
		t.Errorf("after the window: status %d", res.status)
	}
	want := []string{"OK 2 1 60", "OK 2 0 60", "Too Many Requests 2 0 60"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status, limit, remaining, reset (-want +got):\n%s", diff)
	}
	if n := e.Stats().RateLimited; n != 1 {
		t.Errorf("RateLimited = %d, want 1", n)
	}
}

func TestEverRealPaging(t *testing.T) {
	t.Parallel()
	e, srv := everrealServer(t, EverRealOptions{})
	for _, c := range DemoCandidates() {
		if _, err := e.AddCandidate(c); err != nil {
			t.Fatal(err)
		}
	}
	tok := accessToken(t, srv.URL)
	q := specDocs(t)["candidate"].List.GraphQL
	var names []string
	for skip := 0; skip < 4; skip += 2 {
		data := mustGQL(t, srv.URL, tok, q, map[string]any{"input": map[string]any{"paging": map[string]any{"skip": skip, "take": 2}}})
		for _, it := range data["candidates"].(map[string]any)["items"].([]any) {
			names = append(names, it.(map[string]any)["lastName"].(string))
		}
	}
	if diff := cmp.Diff([]string{"Müller-Lüdenscheid", "Größer", "Öztürk"}, names); diff != "" {
		t.Errorf("candidates over two pages (-want +got):\n%s", diff)
	}
	res := gql(t, srv.URL, tok, q, map[string]any{"input": map[string]any{"paging": map[string]any{"take": 501}}})
	if !strings.Contains(res.errorText(), "input.paging") {
		t.Errorf("take 501: errors %q", res.errorText())
	}
}
