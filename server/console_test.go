package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine/store"
)

func TestConsoleSendsABrowserToSignIn(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/", "/instances/erp-partner"} {
		resp, _ := newBrowser(t, ts).get(path)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/signin?next="+url.QueryEscape(path) {
			t.Errorf("GET %s without a session: %d to %q, want 303 to the sign-in page", path, resp.StatusCode, loc)
		}
	}
}

func TestConsoleSignInSetsASessionCookie(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(t, ts)
	resp := b.signIn("admin", testToken)
	c := cookieOf(resp, sessionCookie)
	if resp.StatusCode != http.StatusSeeOther || c == nil {
		t.Fatalf("sign-in: %d, cookie %v; want 303 and a session cookie", resp.StatusCode, c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("session cookie over plain HTTP: %+v, want HttpOnly, SameSite=Lax, not Secure, Path /", c)
	}
	ttl, err := ts.cfg.Redis.TTL(context.Background(), ts.cfg.Keys.Session(c.Value)).Result()
	if err != nil || ttl <= 0 || ttl > DefaultSessionTTL {
		t.Errorf("the session's key under the prefix has TTL %v (%v), want up to %v", ttl, err, DefaultSessionTTL)
	}
	if _, page := b.get("/"); !strings.Contains(page, `<span id="principal">admin</span>`) {
		t.Errorf("the instances page after sign-in does not say who is signed in:\n%s", page)
	}
	// Behind a proxy that says the browser came over TLS, the cookie is
	// Secure.
	b2 := newBrowser(t, ts)
	_, page := b2.get("/signin")
	req, _ := http.NewRequest("POST", ts.URL+"/signin", strings.NewReader(url.Values{"csrf": {csrfOf(t, page)}, "name": {"admin"}, "secret": {testToken}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, _ = b2.do(req)
	if c := cookieOf(resp, sessionCookie); c == nil || !c.Secure {
		t.Errorf("session cookie behind a TLS proxy: %+v, want Secure", c)
	}
}

func TestConsoleSignInRefusesWrongSecretsAndForeignForms(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(t, ts)
	if resp := b.signIn("admin", "wrong"); resp.StatusCode != http.StatusUnauthorized || cookieOf(resp, sessionCookie) != nil {
		t.Errorf("sign-in with a wrong secret: %d, want 401 and no session", resp.StatusCode)
	}
	// A form posted from another site carries no sign-in cookie.
	resp, _ := newBrowser(t, ts).post("/signin", url.Values{"csrf": {"forged"}, "name": {"admin"}, "secret": {testToken}})
	if resp.StatusCode != http.StatusForbidden || cookieOf(resp, sessionCookie) != nil {
		t.Errorf("sign-in without the form's token: %d, want 403 and no session", resp.StatusCode)
	}
}

func TestConsoleSignInGoesOnlyToLocalPaths(t *testing.T) {
	for in, want := range map[string]string{"/instances/a?x=1": "/instances/a?x=1", "https://evil.example/": "/", "//evil.example/": "/", `/\evil.example`: "/", "": "/"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConsoleFormsRefuseAMissingOrWrongCSRFToken(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	b := newBrowser(t, ts)
	b.signIn("admin", testToken)
	_, page := b.get("/instances/erp-partner/actions/disable")
	tok := csrfOf(t, page)
	for name, form := range map[string]url.Values{"no token": {}, "wrong token": {"csrf": {tok + "x"}}} {
		if resp, _ := b.post("/instances/erp-partner/actions/disable", form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("disable with %s: %d, want 403", name, resp.StatusCode)
		}
	}
	// The right token from another site's page: the browser says so.
	req, _ := http.NewRequest("POST", ts.URL+"/instances/erp-partner/actions/disable", strings.NewReader(url.Values{"csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := b.do(req); resp.StatusCode < 400 {
		t.Errorf("disable from another site: %d, want a refusal", resp.StatusCode)
	}
	if code, _ := b.get("/signout"); code.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /signout: %d, want 405 (signing out is a form)", code.StatusCode)
	}
	if resp, _ := b.post("/signout", url.Values{"csrf": {"wrong"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out with a wrong token: %d, want 403", resp.StatusCode)
	}
	if inst, _ := ts.store.Get(context.Background(), "erp-partner"); !inst.Enabled {
		t.Error("a refused form disabled the instance")
	}
}

func TestConsoleSignOutEndsTheSession(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(t, ts)
	id := cookieOf(b.signIn("admin", testToken), sessionCookie).Value
	_, page := b.get("/")
	resp, _ := b.post("/signout", url.Values{"csrf": {csrfOf(t, page)}})
	if c := cookieOf(resp, sessionCookie); resp.StatusCode != http.StatusSeeOther || c == nil || c.MaxAge >= 0 {
		t.Errorf("sign-out: %d, cookie %+v; want 303 and the cookie deleted", resp.StatusCode, c)
	}
	if n, _ := ts.cfg.Redis.Exists(context.Background(), ts.cfg.Keys.Session(id)).Result(); n != 0 {
		t.Error("the session is still stored after sign-out")
	}
	// The old cookie, replayed, opens nothing.
	b2 := newBrowser(t, ts)
	u, _ := url.Parse(ts.URL)
	b2.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: id, Path: "/"}})
	if resp, _ := b2.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET / with the ended session's cookie: %d, want 303 to sign in", resp.StatusCode)
	}
}

func TestConsoleSessionExpires(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.SessionTTL = time.Second })
	b := newBrowser(t, ts)
	b.signIn("admin", testToken)
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / right after sign-in: %d", resp.StatusCode)
	}
	time.Sleep(1100 * time.Millisecond)
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET / after the session expired: %d, want 303 to sign in", resp.StatusCode)
	}
}

func TestConsoleRefusesAViewerActions(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	b := newBrowser(t, ts)
	b.sessionAs(ts, Principal{Name: "vera", Role: RoleViewer, Organisation: "acme"})
	resp, page := b.get("/instances/erp-partner")
	if resp.StatusCode != http.StatusOK || strings.Contains(page, `id="actions"`) {
		t.Errorf("a viewer's instance page: %d, actions shown: %v", resp.StatusCode, strings.Contains(page, `id="actions"`))
	}
	tok := csrfOf(t, page)
	for _, action := range []string{"run", "plan", "reconcile", "retry", "enable", "disable"} {
		if resp, _ := b.get("/instances/erp-partner/actions/" + action); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer's confirmation of %s: %d, want 403", action, resp.StatusCode)
		}
		if resp, _ := b.post("/instances/erp-partner/actions/"+action, url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer's %s: %d, want 403", action, resp.StatusCode)
		}
	}
	if inst, _ := ts.store.Get(context.Background(), "erp-partner"); !inst.Enabled {
		t.Error("a viewer disabled the instance")
	}
	if n, _ := ts.insp.GetQueueInfo(ts.cfg.Queue); n != nil && n.Size > 0 {
		t.Errorf("a viewer enqueued %d tasks", n.Size)
	}
}

func TestConsoleShowsOnlyTheOrganisationsInstances(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner") // organisation acme
	b := newBrowser(t, ts)
	b.sessionAs(ts, Principal{Name: "olga", Role: RoleOperator, Organisation: "other"})
	if _, page := b.get("/"); strings.Contains(page, "erp-partner") {
		t.Errorf("another organisation's operator sees the instance:\n%s", page)
	}
	for _, path := range []string{"/instances/erp-partner", "/instances/erp-partner/actions/disable"} {
		if resp, _ := b.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s by another organisation's operator: %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestConsoleActionsAreAuditedWithWhoDidThem(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	b := newBrowser(t, ts)
	b.sessionAs(ts, Principal{Name: "otto", Role: RoleOperator, Organisation: "acme"})
	_, page := b.get("/instances/erp-partner/actions/disable")
	resp, _ := b.post("/instances/erp-partner/actions/disable", url.Values{"csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/instances/erp-partner?done=disable" {
		t.Fatalf("disable: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if inst, _ := ts.store.Get(context.Background(), "erp-partner"); inst.Enabled {
		t.Error("the instance is still enabled")
	}
	// The admin API audits its actions the same way.
	if code, body := ts.do(t, "POST", "/api/instances/erp-partner/enable", testToken, ""); code != http.StatusOK {
		t.Fatalf("enable through the API: %d %s", code, body)
	}
	page2, err := store.NewAudit(ts.cfg.Redis, ts.cfg.Keys, store.AuditConfig{}).Query(context.Background(), store.Query{Instance: "erp-partner"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page2.Entries {
		got = append(got, string(e.Action)+" by "+e.Actor+" "+string(e.Outcome))
	}
	if want := "enable by admin ok,disable by otto ok"; strings.Join(got, ",") != want {
		t.Errorf("audit entries %q, want %q", strings.Join(got, ","), want)
	}
}
