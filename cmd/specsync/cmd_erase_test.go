package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/examples/standins"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/server"
)

// TestEraseTenant erases one EverReal tenant: a dry run changes nothing;
// the erase removes the tenant at the stand-in (only that one), and
// afterwards no key under the test's prefix holds the person's key, name,
// e-mail or EverReal id, while the other tenants' state stays. A tenant
// EverReal refuses to remove (it has a contract) keeps everything.
func TestEraseTenant(t *testing.T) {
	const lease, contracted = "1000-0001-01-0004-01", "1000-0001-01-0002-01"
	r, set := eraseFixture(t, lease)
	st := stateArgs(r)
	cli := func(want int, contains string, args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, append(args, st...)...)
		if code != want || !strings.Contains(out+errOut, contains) {
			t.Fatalf("specsync %s: exit %d (want %d), output lacks %q:\n%s\n%s", strings.Join(args, " "), code, want, contains, out, errOut)
		}
		return out
	}
	cli(3, "partial", "sync", "erp-everreal", "--push")
	// The person's e-mail becomes invalid: the lease fails and is in the
	// failure ledger and the audit log with its key.
	if err := set.ERP.Update("tenant", "1000-70005", func(rec map[string]any) { rec["email"] = "felix.schmitz at example.de" }); err != nil {
		t.Fatal(err)
	}
	cli(3, "partial", "sync", "erp-everreal", "--push", "--full")
	person := eraseNeedles(t, set, lease)
	if found := scanRedis(t, r.Client, r.Prefix, person); len(found) == 0 {
		t.Fatal("before the erase, no key holds the tenant's key: the scan proves nothing")
	}
	tenants := len(set.EverReal.Tenants())

	api := eraseAPI(t, r)
	body := api(http.StatusOK, `{"entity": "tenant", "key": "`+lease+`"}`)
	if !strings.Contains(body, `"dryRun": true`) || !strings.Contains(body, `"operation": "erase"`) {
		t.Errorf("the admin API's erase without dryRun is no dry run: %s", body)
	}
	api(http.StatusUnprocessableEntity, `{"entity": "flat", "key": "`+lease+`", "dryRun": false}`)
	api(http.StatusBadRequest, `{"entity": "tenant", "key": 7}`)

	out := cli(0, "would erase", "erase", "erp-everreal", "--entity", "tenant", "--key", lease)
	for _, want := range []string{"removed with the erase operation", "state push: partner id", "failure ledger: 1 direction(s)", "Nothing was changed"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if n := len(set.EverReal.Tenants()); n != tenants {
		t.Fatalf("the dry run removed tenants: %d of %d left", n, tenants)
	}
	if found := scanRedis(t, r.Client, r.Prefix, person); len(found) == 0 {
		t.Fatal("the dry run erased the state")
	}

	cli(0, "erased tenant", "erase", "erp-everreal", "--entity", "tenant", "--key", lease, "--yes")
	left := set.EverReal.Tenants()
	if len(left) != tenants-1 {
		t.Errorf("%d tenants left of %d, want one fewer", len(left), tenants)
	}
	for _, tn := range left {
		if tn.ExternalTenantID == lease {
			t.Errorf("tenant %s is still at EverReal", lease)
		}
	}
	if found := scanRedis(t, r.Client, r.Prefix, person); len(found) > 0 {
		t.Errorf("after the erase, Redis still holds the person's values:\n%s", strings.Join(found, "\n"))
	}
	ns := keys.New(r.Prefix)
	if ok, err := r.Client.HExists(context.Background(), ns.Written("erp-everreal", "push", "tenant"), contracted).Result(); err != nil || !ok {
		t.Errorf("the other tenants' state is gone (%v)", err)
	}
	cli(0, `"outcome":"erased"`, "audit", "erp-everreal", "--outcome", "erased", "--json")

	// EverReal refuses to remove a tenant with a contract: nothing is erased.
	cli(1, "still has 1 contract", "erase", "erp-everreal", "--entity", "tenant", "--key", contracted, "--yes")
	if ok, _ := r.Client.HExists(context.Background(), ns.Written("erp-everreal", "push", "tenant"), contracted).Result(); !ok {
		t.Error("a refused erase removed the state")
	}
	// An owner's delete only detaches and the entity declares no erase.
	owner := set.EverReal.Owners()[0].ExternalOwnerID
	cli(2, `declare an "erase" operation in x-sync.entities.owner`, "erase", "erp-everreal", "--entity", "owner", "--key", owner, "--yes")
	// A key the instance knows nothing of is reported, not erased.
	cli(2, "knows nothing of", "erase", "erp-everreal", "--entity", "tenant", "--key", lease, "--yes")
}

// eraseAPI serves the admin API on r and returns a function that posts
// an erase of erp-everreal, checks the status and that the answer is as
// the API's document describes, and returns the body.
func eraseAPI(t *testing.T, r *redistest.Server) func(status int, body string) string {
	t.Helper()
	return adminAction(t, r, "erase")
}

// adminAction is eraseAPI for another action of the admin API.
func adminAction(t *testing.T, r *redistest.Server, action string) func(status int, body string) string {
	t.Helper()
	srv, err := server.New(server.Config{Redis: r.Client, Keys: keys.New(r.Prefix), Insecure: true, Queue: action + "-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	doc, err := openapi3.NewLoader().LoadFromURI(mustURL(t, hs.URL+"/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return func(status int, body string) string {
		t.Helper()
		req := httptest.NewRequest("POST", hs.URL+"/api/instances/erp-everreal/"+action, strings.NewReader(body))
		req.RequestURI = ""
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != status {
			t.Fatalf("POST %s %s: %d %s, want %d", action, body, resp.StatusCode, data, status)
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatal(err)
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(data)),
		}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			t.Errorf("POST %s %s: the answer is not as documented: %v\n%s", action, body, err, data)
		}
		return string(data)
	}
}

// mustURL parses a URL.
func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// eraseFixture starts the example's stand-ins, the lease named without a
// contract start (EverReal removes only tenants without contracts), and
// applies the ERP -> EverReal instance.
func eraseFixture(t *testing.T, lease string) (*redistest.Server, *standins.Set) {
	t.Helper()
	for name, value := range standins.DemoCredentials() {
		t.Setenv(name, value)
	}
	data := standins.ERPData()
	for _, l := range data["lease"] {
		if l["id"] == lease {
			delete(l, "start")
		}
	}
	set, err := standins.Options{Data: data, NoCandidates: true, EverReal: standins.EverRealOptions{RateLimit: -1}}.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(set.Close)
	r := redistest.New(t)
	store := instance.NewInstanceStore(r.Client, keys.New(r.Prefix))
	for _, inst := range set.Instances {
		if inst.ID == "erp-everreal" {
			if _, err := applyAndOpen(t.Context(), store, inst); err != nil {
				t.Fatal(err)
			}
		}
	}
	return r, set
}

// eraseNeedles are the values of the lease's person that must not remain:
// the lease's key, the tenant's EverReal id, names and e-mails.
func eraseNeedles(t *testing.T, set *standins.Set, lease string) []string {
	t.Helper()
	for _, tn := range set.EverReal.Tenants() {
		if tn.ExternalTenantID == lease {
			return []string{lease, tn.ID, tn.FirstName, tn.LastName, tn.Email, "felix.schmitz"}
		}
	}
	t.Fatalf("tenant %s is not at EverReal", lease)
	return nil
}

// scanRedis reads every key under prefix, whatever its type, and returns
// where one of needles occurs, in a key's name or its values.
func scanRedis(t *testing.T, rdb redis.UniversalClient, prefix string, needles []string) []string {
	t.Helper()
	ctx := context.Background()
	var found []string
	iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		text := key + "\n" + dumpKey(t, rdb, key)
		for _, n := range needles {
			if n != "" && strings.Contains(text, n) {
				found = append(found, fmt.Sprintf("%s holds %q", key, n))
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return found
}

// dumpKey renders the value of key as text, whatever its type.
func dumpKey(t *testing.T, rdb redis.UniversalClient, key string) string {
	t.Helper()
	ctx := context.Background()
	typ, err := rdb.Type(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	var v any
	switch typ {
	case "string":
		v, err = rdb.Get(ctx, key).Result()
	case "hash":
		v, err = rdb.HGetAll(ctx, key).Result()
	case "list":
		v, err = rdb.LRange(ctx, key, 0, -1).Result()
	case "set":
		v, err = rdb.SMembers(ctx, key).Result()
	case "zset":
		v, err = rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
	case "stream":
		v, err = rdb.XRange(ctx, key, "-", "+").Result()
	case "none":
		return ""
	default:
		t.Fatalf("key %s has type %s, which the scan does not read", key, typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(v)
}

// TestReconcileComparesWhatTheListingCarries reconciles EverReal's owners
// after a sync: its list query selects only ids and keys, so the written
// fields it does not return are not compared (and named in a warning)
// instead of being reported as drift of every record.
func TestReconcileComparesWhatTheListingCarries(t *testing.T) {
	r, _ := eraseFixture(t, "1000-0001-01-0004-01")
	st := stateArgs(r)
	runCLI(t, append([]string{"sync", "erp-everreal", "--push"}, st...)...)
	code, out, errOut := runCLI(t, append([]string{"reconcile", "erp-everreal", "--entity", "owner"}, st...)...)
	if code != 0 || !strings.Contains(out+errOut, "no drift") || !strings.Contains(out+errOut, "not compared") {
		t.Errorf("reconcile of the owners: exit %d (want 0), want no drift and a warning of the fields not compared:\n%s\n%s", code, out, errOut)
	}
}
