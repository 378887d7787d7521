package connectors_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// accountSpec is limitedSpec with bearer auth whose token is the
// credential "token" the instance supplies.
func accountSpec(t *testing.T, url string, rl *specs.RateLimit) *specs.Spec {
	t.Helper()
	return serverSpec(t, url, &specs.Sync{System: "limited", RateLimit: rl,
		Auth: specs.NewAuth("bearer", &connectors.AuthBearer{Token: specs.Credential{Credential: "token"}}),
		Entities: map[string]*specs.Entity{
			"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}},
		}})
}

// caller is one instance calling the partner: its credential "token" is
// the reference token, whose secret, in the instance's process, is secret.
type caller struct {
	instance string
	token    specs.Credential
	secret   string
	baseURL  string
}

// call builds the caller's client on rdb and sends one request.
func (cl caller) call(t *testing.T, spec *specs.Spec, rdb *redistest.Server) {
	t.Helper()
	c, err := connectors.New(spec, connectors.Config{
		Instance: cl.instance, Redis: rdb.Client, KeyPrefix: rdb.Prefix, BaseURL: cl.baseURL,
		Credentials: map[string]specs.Credential{"token": cl.token},
		LookupEnv:   func(string) (string, bool) { return cl.secret, true },
		ReadFile:    func(string) ([]byte, error) { return []byte(cl.secret), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	get(t, c)
}

// prefixKeys lists, sorted, the keys under the test's prefix, without it.
func prefixKeys(t *testing.T, rdb *redistest.Server) []string {
	t.Helper()
	all, err := rdb.Client.Keys(context.Background(), rdb.Prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range all {
		all[i] = strings.TrimPrefix(k, rdb.Prefix)
	}
	slices.Sort(all)
	return all
}

// accountKey matches the key of an account's rate limit.
var accountKey = regexp.MustCompile(`^ratelimit:\{limited:[0-9a-f]{32}\}$`)

// TestRateLimitKeyNeverHoldsTheSecret resolves a canary secret and looks
// for it, and for the start of its SHA-256, in every key and value the
// rate limit writes. Two instances whose processes hold different secrets
// under the same reference get the same key: the key is made from the
// reference only.
func TestRateLimitKeyNeverHoldsTheSecret(t *testing.T) {
	t.Parallel()
	rdb := redistest.New(t)
	srv := newStampServer(t)
	spec := accountSpec(t, srv.URL, &specs.RateLimit{Requests: 100, Per: specs.Duration(time.Second)})
	canary := "canary-3c9e7a51d0f24b68"
	sum := sha256.Sum256([]byte(canary))
	derived := []string{canary, hex.EncodeToString(sum[:])[:8], hex.EncodeToString([]byte(canary))}
	ref := specs.Credential{Env: "PARTNER_TOKEN"}
	caller{instance: "inst-a", token: ref, secret: canary}.call(t, spec, rdb)
	caller{instance: "inst-b", token: ref, secret: "other-secret-91f2"}.call(t, spec, rdb)
	got := prefixKeys(t, rdb)
	if len(got) != 1 || !accountKey.MatchString(got[0]) {
		t.Fatalf("redis keys %q; want one account key like ratelimit:{limited:<hash>}", got)
	}
	for _, k := range got {
		v, err := rdb.Client.Get(context.Background(), rdb.Prefix+k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range derived {
			if strings.Contains(k, d) || strings.Contains(v, d) {
				t.Errorf("key %q (value %q) contains %q, taken from the secret", k, v, d)
			}
		}
	}
}

// TestRateLimitKeyFollowsTheAccount: instances share a limit exactly
// when they call one server with the same credential references, named
// credentials resolved; scope instance gives each instance its own.
func TestRateLimitKeyFollowsTheAccount(t *testing.T) {
	t.Parallel()
	srv := newStampServer(t)
	env := specs.Credential{Env: "PARTNER_TOKEN"}
	a := caller{instance: "inst-a", token: env, secret: "s-1"}
	for _, tc := range []struct {
		name  string
		scope specs.RateLimitScope
		other caller
		want  []string // key patterns, sorted
	}{
		{"same references", "", caller{instance: "inst-b", token: env, secret: "s-2"}, []string{accountKey.String()}},
		{"same references, scope account", specs.ScopeAccount, caller{instance: "inst-b", token: env, secret: "s-1"}, []string{accountKey.String()}},
		{"other variable", "", caller{instance: "inst-b", token: specs.Credential{Env: "OTHER_TOKEN"}, secret: "s-1"}, []string{accountKey.String(), accountKey.String()}},
		{"file", "", caller{instance: "inst-b", token: specs.Credential{File: "/run/secrets/token"}, secret: "s-1"}, []string{accountKey.String(), accountKey.String()}},
		{"other server", "", caller{instance: "inst-b", token: env, secret: "s-1", baseURL: srv.URL + "/v2"}, []string{accountKey.String(), accountKey.String()}},
		{"scope instance", specs.ScopeInstance, caller{instance: "inst-b", token: env, secret: "s-1"}, []string{`^\{inst-a\}:ratelimit:limited$`, `^\{inst-b\}:ratelimit:limited$`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := redistest.New(t)
			spec := accountSpec(t, srv.URL, &specs.RateLimit{Requests: 100, Per: specs.Duration(time.Second), Scope: tc.scope})
			a.call(t, spec, rdb)
			tc.other.call(t, spec, rdb)
			got := prefixKeys(t, rdb)
			if len(got) != len(tc.want) {
				t.Fatalf("redis keys %q; want %d matching %q", got, len(tc.want), tc.want)
			}
			for i, k := range got {
				if !regexp.MustCompile(tc.want[i]).MatchString(k) {
					t.Errorf("redis key %q; want one matching %q", k, tc.want[i])
				}
			}
		})
	}
}

// TestNamedAndDirectReferencesShareTheAccount: a spec that names the
// credential and one that gives the variable itself call with one
// account when the instance resolves the name to that variable.
func TestNamedAndDirectReferencesShareTheAccount(t *testing.T) {
	t.Parallel()
	rdb := redistest.New(t)
	srv := newStampServer(t)
	rl := &specs.RateLimit{Requests: 100, Per: specs.Duration(time.Second)}
	named := accountSpec(t, srv.URL, rl)
	direct := accountSpec(t, srv.URL, rl)
	direct.Sync.Auth = specs.NewAuth("bearer", &connectors.AuthBearer{Token: specs.Credential{Env: "PARTNER_TOKEN"}})
	env := specs.Credential{Env: "PARTNER_TOKEN"}
	caller{instance: "inst-a", token: env, secret: "s-1"}.call(t, named, rdb)
	caller{instance: "inst-b", token: env, secret: "s-1"}.call(t, direct, rdb)
	if got := prefixKeys(t, rdb); len(got) != 1 || !accountKey.MatchString(got[0]) {
		t.Errorf("redis keys %q; want the one account key", got)
	}
}
