package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/hibiken/asynq"
	"golang.org/x/crypto/bcrypt"

	"github.com/specsync/specsync/engine/instance"
)

// The tokens of the test accounts; the accounts keep only their hashes.
const (
	viewerAcme    = "viewer-acme-token-0123456789abcdef"
	operatorAcme  = "operator-acme-token-0123456789abcdef"
	operatorOther = "operator-globex-token-0123456789abcd"
	adminAcme     = "admin-acme-token-0123456789abcdefgh"
	rootPassword  = "correct horse battery staple"
)

// testAccounts are a viewer and an operator of acme, an operator of
// globex, an admin of acme (tokens) and an admin of every organisation
// who signs in with a password.
func testAccounts(t *testing.T) *Accounts {
	t.Helper()
	pw, err := bcrypt.GenerateFromPassword([]byte(rootPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAccounts([]Account{
		{Name: "vera", Role: RoleViewer, Organisation: "acme", Hash: mustHashToken(t, viewerAcme)},
		{Name: "otto", Role: RoleOperator, Organisation: "acme", Hash: mustHashToken(t, operatorAcme)},
		{Name: "gina", Role: RoleOperator, Organisation: "globex", Hash: mustHashToken(t, operatorOther)},
		{Name: "ada", Role: RoleAdmin, Organisation: "acme", Hash: mustHashToken(t, adminAcme)},
		{Name: "root", Role: RoleAdmin, Hash: string(pw)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustHashToken(t *testing.T, token string) string {
	t.Helper()
	h, err := HashToken(token)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newRolesServer is a test server with testAccounts, an instance "a1" of
// acme and "g1" of globex.
func newRolesServer(t *testing.T, edits ...func(*Config)) *testServer {
	t.Helper()
	accounts := testAccounts(t)
	ts := newTestServer(t, append([]func(*Config){func(c *Config) { c.Accounts = accounts }}, edits...)...)
	ts.apply(t, "a1")
	ts.applyIn(t, "g1", "globex")
	return ts
}

// applyIn stores an enabled instance of org, as apply does for acme.
func (ts *testServer) applyIn(t *testing.T, id, org string) {
	t.Helper()
	dir, _ := filepath.Abs("testdata")
	inst := &instance.Instance{ID: id, Organisation: org, Model: filepath.Join(dir, "model.json"), Enabled: true,
		Home: instance.System{Spec: filepath.Join(dir, "home.json")}, Partner: instance.System{Spec: filepath.Join(dir, "partner.json")}}
	files := map[string][]byte{inst.Model: []byte("{}")}
	for _, p := range []string{inst.Home.Spec, inst.Partner.Spec} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = data
	}
	if _, err := ts.store.Apply(context.Background(), inst, files); err != nil {
		t.Fatal(err)
	}
}

// instanceBody is the JSON of an instance id of org, for a PUT.
func instanceBody(id, org string) string {
	dir, _ := filepath.Abs("testdata")
	return `{"id": "` + id + `", "organisation": "` + org + `", "model": "` + filepath.Join(dir, "model.json") + `",
		"home": {"spec": "` + filepath.Join(dir, "home.json") + `"}, "partner": {"spec": "` + filepath.Join(dir, "partner.json") + `"}}`
}

func TestRoleDenials(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	for _, c := range []struct {
		name, token, method, path, body string
	}{
		{"viewer cannot run", viewerAcme, "POST", "/api/instances/a1/run", ""},
		{"viewer cannot retry", viewerAcme, "POST", "/api/instances/a1/retry", ""},
		{"viewer cannot reconcile", viewerAcme, "POST", "/api/instances/a1/reconcile", ""},
		{"viewer cannot enable", viewerAcme, "POST", "/api/instances/a1/enable", ""},
		{"viewer cannot disable", viewerAcme, "POST", "/api/instances/a1/disable", ""},
		{"operator cannot apply", operatorAcme, "PUT", "/api/instances/a1", instanceBody("a1", "acme")},
		{"operator cannot erase", operatorAcme, "POST", "/api/instances/a1/erase", `{"entity": "contact", "key": "1"}`},
		{"operator cannot resolve", operatorAcme, "POST", "/api/instances/a1/resolve", `{"key": "1", "absent": true}`},
		{"operator cannot apply an instance that does not exist", operatorAcme, "PUT", "/api/instances/new", instanceBody("new", "acme")},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := ts.do(t, c.method, c.path, c.token, c.body)
			if status != http.StatusForbidden || !strings.Contains(body, "role") {
				t.Fatalf("%s %s = %d %s, want 403 naming the role", c.method, c.path, status, body)
			}
		})
	}
	if inst, err := ts.store.Get(context.Background(), "a1"); err != nil || !inst.Enabled {
		t.Errorf("a refused disable changed the instance: %+v, %v", inst, err)
	}
	if _, err := ts.store.Get(context.Background(), "new"); err == nil {
		t.Error("a refused apply stored the instance")
	}
}

func TestRolesAllowWhatTheyTake(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	for _, c := range []struct {
		name, token, method, path, body string
		want                            int
	}{
		{"viewer reads", viewerAcme, "GET", "/api/instances/a1", "", http.StatusOK},
		{"viewer reads runs", viewerAcme, "GET", "/api/instances/a1/runs", "", http.StatusOK},
		{"operator disables", operatorAcme, "POST", "/api/instances/a1/disable", "", http.StatusOK},
		{"operator enables", operatorAcme, "POST", "/api/instances/a1/enable", "", http.StatusOK},
		{"operator runs", operatorAcme, "POST", "/api/instances/a1/run", "", http.StatusAccepted},
		// testdata's specs are not whole: the apply gets past the roles
		// and stops at the specs' findings.
		{"admin of acme applies in acme", adminAcme, "PUT", "/api/instances/a2", instanceBody("a2", "acme"), http.StatusUnprocessableEntity},
	} {
		t.Run(c.name, func(t *testing.T) {
			if status, body := ts.do(t, c.method, c.path, c.token, c.body); status != c.want {
				t.Fatalf("%s %s = %d %s, want %d", c.method, c.path, status, body, c.want)
			}
		})
	}
}

func TestOperatorOfAnotherOrganisationSeesNothing(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	_, missing := ts.do(t, "GET", "/api/instances/nosuch", operatorOther, "")
	for _, path := range []string{"/api/instances/a1", "/api/instances/a1/runs", "/api/instances/a1/runs/r1",
		"/api/instances/a1/failures", "/api/instances/a1/audit"} {
		status, body := ts.do(t, "GET", path, operatorOther, "")
		if status != http.StatusNotFound || strings.Replace(body, "a1", "nosuch", 1) != missing {
			t.Errorf("GET %s = %d %s, want 404 as for an instance that does not exist (%s)", path, status, body, missing)
		}
	}
	for _, action := range []string{"run", "retry", "reconcile", "enable", "disable"} {
		if status, body := ts.do(t, "POST", "/api/instances/a1/"+action, operatorOther, ""); status != http.StatusNotFound {
			t.Errorf("POST %s of another organisation = %d %s, want 404", action, status, body)
		}
	}
	for _, path := range []string{"/api/instances", "/api/instances?organisation=acme"} {
		_, body := ts.do(t, "GET", path, operatorOther, "")
		if strings.Contains(body, `"a1"`) {
			t.Errorf("GET %s lists another organisation's instance: %s", path, body)
		}
	}
	if _, body := ts.do(t, "GET", "/api/instances", operatorOther, ""); !strings.Contains(body, `"g1"`) {
		t.Errorf("GET /api/instances leaves out the operator's own instance: %s", body)
	}
	pending, err := ts.insp.GetQueueInfo(ts.cfg.Queue)
	if err == nil && pending.Size != 0 {
		t.Errorf("a refused run enqueued %d tasks", pending.Size)
	}
}

func TestAdminOfOneOrganisationAppliesItsOwnOnly(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	if status, body := ts.do(t, "PUT", "/api/instances/g2", adminAcme, instanceBody("g2", "globex")); status != http.StatusForbidden || !strings.Contains(body, "/organisation") {
		t.Errorf("apply into another organisation = %d %s, want 403 at /organisation", status, body)
	}
	if status, body := ts.do(t, "PUT", "/api/instances/g1", adminAcme, instanceBody("g1", "acme")); status != http.StatusConflict || strings.Contains(body, "globex") {
		t.Errorf("apply over another organisation's id = %d %s, want 409 that does not name the organisation", status, body)
	}
	if inst, err := ts.store.Get(context.Background(), "g1"); err != nil || inst.Organisation != "globex" {
		t.Errorf("the refused apply moved g1: %+v, %v", inst, err)
	}
	if status, body := ts.do(t, "POST", "/api/instances/g1/erase", adminAcme, `{"entity": "contact", "key": "1"}`); status != http.StatusNotFound {
		t.Errorf("erase in another organisation = %d %s, want 404", status, body)
	}
}

func TestWrongTokenIsRefused(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	for name, token := range map[string]string{
		"unknown":               "not-a-token-of-anyone-0123456789abcdef",
		"the stored hash":       mustHashToken(t, viewerAcme),
		"a password as bearer":  rootPassword,
		"a token with a suffix": viewerAcme + "x",
	} {
		if status, body := ts.do(t, "GET", "/api/instances", token, ""); status != http.StatusUnauthorized {
			t.Errorf("%s: GET /api/instances = %d %s, want 401", name, status, body)
		}
	}
}

func TestHashedTokenIsAccepted(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	status, body := ts.do(t, "GET", "/api/instances", viewerAcme, "")
	if status != http.StatusOK || !strings.Contains(body, `"a1"`) {
		t.Errorf("GET /api/instances with a hashed token = %d %s, want 200 listing a1", status, body)
	}
}

func TestPasswordSignsInButIsNoBearerToken(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	req, _ := http.NewRequest("GET", ts.URL+"/api/instances", nil)
	req.SetBasicAuth("root", rootPassword)
	if status, body := send(t, req); status != http.StatusOK || !strings.Contains(body, `"g1"`) {
		t.Errorf("basic auth with name and password = %d %s, want 200 listing every organisation", status, body)
	}
	req.SetBasicAuth("vera", rootPassword)
	if status, _ := send(t, req); status != http.StatusUnauthorized {
		t.Errorf("basic auth with another account's password = %d, want 401", status)
	}
	if p, ok := ts.api.signIn("root", rootPassword); !ok || p != (Principal{Name: "root", Role: RoleAdmin}) {
		t.Errorf("signIn(root) = %+v, %v", p, ok)
	}
	if p, ok := ts.api.signIn("otto", operatorAcme); !ok || p.Organisation != "acme" || p.Role != RoleOperator {
		t.Errorf("signIn with a token = %+v, %v", p, ok)
	}
	for _, c := range [][2]string{{"root", "wrong"}, {"nobody", rootPassword}, {"root", ""}, {"otto", viewerAcme}} {
		if p, ok := ts.api.signIn(c[0], c[1]); ok {
			t.Errorf("signIn(%q, ...) = %+v, want refused", c[0], p)
		}
	}
}

func TestAdminTokenStaysAnAdminOfEveryOrganisation(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	_, body := ts.do(t, "GET", "/api/instances", testToken, "")
	if !strings.Contains(body, `"a1"`) || !strings.Contains(body, `"g1"`) {
		t.Errorf("the admin token lists %s, want every organisation's instances", body)
	}
	if status, body := ts.do(t, "POST", "/api/instances/g1/disable", testToken, ""); status != http.StatusOK {
		t.Errorf("the admin token disables = %d %s", status, body)
	}
}

func TestMonitorTakesAnAdminOfEveryOrganisation(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t, func(c *Config) { c.Monitor = asynq.RedisClientOpt{Addr: "127.0.0.1:1"} })
	for name, token := range map[string]string{"operator": operatorAcme, "admin of one organisation": adminAcme} {
		if status, body := ts.do(t, "GET", "/monitoring/", token, ""); status != http.StatusForbidden {
			t.Errorf("%s: GET /monitoring/ = %d %s, want 403", name, status, body)
		}
	}
	if status, _ := ts.do(t, "GET", "/monitoring/", testToken, ""); status != http.StatusOK {
		t.Errorf("admin token: GET /monitoring/ = %d, want 200", status)
	}
}

func TestStatusPageShowsTheOrganisationsOwnInstances(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	status, body := ts.do(t, "GET", "/", operatorOther, "")
	if status != http.StatusOK || !strings.Contains(body, "g1") || strings.Contains(body, "a1") {
		t.Errorf("status page of globex's operator = %d, want g1 and not a1:\n%s", status, body)
	}
}

func TestEveryOperationDeclaresItsRole(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(apiDocument)
	if err != nil {
		t.Fatal(err)
	}
	roles, err := operationRoles(doc)
	if err != nil {
		t.Fatal(err)
	}
	if roles[doc.Paths.Find("/api/instances/{id}/run").Post] != RoleOperator || roles[doc.Paths.Find("/api/instances/{id}").Put] != RoleAdmin {
		t.Errorf("run or apply take the wrong role: %v", roles)
	}
	delete(doc.Paths.Find("/api/instances/{id}/run").Post.Extensions, "x-role")
	if _, err := operationRoles(doc); err == nil || !strings.Contains(err.Error(), "/api/instances/{id}/run") {
		t.Errorf("an operation without x-role: %v, want an error naming it", err)
	}
}

func TestMetricsTakeAnAdminOfEveryOrganisation(t *testing.T) {
	t.Parallel()
	ts := newRolesServer(t)
	for name, token := range map[string]string{"operator": operatorAcme, "admin of one organisation": adminAcme} {
		if status, _ := ts.do(t, "GET", "/metrics", token, ""); status != http.StatusUnauthorized {
			t.Errorf("%s: GET /metrics = %d, want 401", name, status)
		}
	}
	req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
	req.SetBasicAuth("root", rootPassword)
	if status, _ := send(t, req); status != http.StatusOK {
		t.Errorf("an admin of every organisation: GET /metrics = %d, want 200", status)
	}
}
