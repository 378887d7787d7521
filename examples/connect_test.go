package examples

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// credentialNames are the named credentials the example specs refer to.
var credentialNames = []string{"api_key", "api_secret", "client_id", "client_secret", "username", "password"}

// instanceConfig is the client configuration of an instance: every named
// credential points at an environment variable the test sets, requests and
// responses are validated strictly.
func instanceConfig(t *testing.T) connectors.Config {
	t.Helper()
	creds := map[string]specs.Credential{}
	for _, name := range credentialNames {
		env := "SPECSYNC_EXAMPLE_" + strings.ToUpper(name)
		t.Setenv(env, "test-"+name)
		creds[name] = specs.Credential{Env: env}
	}
	return connectors.Config{
		Instance:        "lindenhof",
		Credentials:     creds,
		ServerVariables: map[string]string{"subdomain": "lindenhof"},
		Validation:      connectors.ValidationStrict,
		Logger:          slog.New(slog.DiscardHandler),
	}
}

// TestClientsAcceptSpecs builds a client for every spec of the example,
// which resolves its credentials and server variables and compiles every
// operation's templates.
func TestClientsAcceptSpecs(t *testing.T) {
	for _, path := range specPaths {
		spec := loadSpec(t, path)
		c, err := connectors.New(spec, instanceConfig(t))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		want := slices.Sorted(func(yield func(string) bool) {
			for name := range spec.Sync.Entities {
				if !yield(name) {
					return
				}
			}
		})
		if diff := cmp.Diff(want, slices.Sorted(slices.Values(c.Entities()))); diff != "" {
			t.Errorf("%s: entities (-want +got):\n%s", path, diff)
		}
	}
}

// TestCasaviAgainstMock pushes every sample record through casavi's write
// mappings, in dependency order, to a stand-in casavi that enforces the
// spec (login token, request schemas, reference ids), and reads each one
// back by lookup and by listing.
func TestCasaviAgainstMock(t *testing.T) {
	model := loadModel(t)
	spec := loadSpec(t, "realestate/casavi.json")
	c := mockClient(t, spec)
	env := transforms.NewEnv()
	for _, name := range spec.Order(model) {
		t.Run(name, func(t *testing.T) {
			e, _ := spec.Entity(name)
			vars := writeVars(t, env, e)
			body := applyWrite(t, env, spec, e, vars)
			key, _ := body[e.Key].(string)
			res, err := c.Create(t.Context(), name, connectors.Write{Key: key, Body: body, Vars: vars})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if res.ID == "" {
				t.Errorf("create returned no internalId: %v", res.Value)
			}
			checkStored(t, c, name, key, body)
			checkListed(t, c, name, key)
		})
	}
}

// mockClient serves spec from a stand-in that enforces it, credentials
// included, and returns a client of the example's instance pointed at it.
func mockClient(t *testing.T, spec *specs.Spec) *connectors.Client {
	t.Helper()
	srv, err := mock.New(spec, mock.Options{Seed: 1, RequireAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	cfg := instanceConfig(t)
	cfg.BaseURL = hs.URL
	c, err := connectors.New(spec, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkStored looks key up and compares the fields body sent, except the
// ones the server stamps itself (serverOwned, such as a modification time).
func checkStored(t *testing.T, c *connectors.Client, name, key string, body map[string]any, serverOwned ...string) {
	t.Helper()
	got, err := c.Lookup(t.Context(), name, key, nil)
	if err != nil {
		t.Fatalf("lookup: %v", err)
	}
	sent := map[string]any{}
	for k := range body {
		sent[k] = got[k]
		if slices.Contains(serverOwned, k) {
			sent[k] = body[k]
		}
	}
	if diff := cmp.Diff(body, sent); diff != "" {
		t.Errorf("stored record differs from the body sent (-sent +stored):\n%s", diff)
	}
}

// checkListed lists the entity and fails unless key is among the records.
func checkListed(t *testing.T, c *connectors.Client, name, key string) {
	t.Helper()
	for page, err := range c.List(t.Context(), name, connectors.ListOptions{}) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, rec := range page.Records {
			if rec["id"] == key {
				return
			}
		}
	}
	t.Errorf("list of %s does not hold %s", name, key)
}

// TestProspectIntoERPMock writes the prospect read from the sample EverReal
// candidate into a stand-in ERP (an upsert that creates, then one that
// replaces, both by key) with the ERP's identity mapping, and reads it
// back.
func TestProspectIntoERPMock(t *testing.T) {
	spec := loadSpec(t, "realestate/erp.json")
	c := mockClient(t, spec)
	e, _ := spec.Entity("prospect")
	m, err := transforms.NewEnv().CompileMapping(e.Write, spec.WriteSchema(e.Upsert))
	if err != nil {
		t.Fatal(err)
	}
	prospect := readProspect(t)
	key := prospect["id"].(string)
	write := func(op func(context.Context, string, connectors.Write) (*connectors.Result, error)) {
		body, err := m.Apply(transforms.Vars{"record": prospect})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := op(t.Context(), "prospect", connectors.Write{Key: key, Body: body}); err != nil {
			t.Fatal(err)
		}
		checkStored(t, c, "prospect", key, body, e.Incremental.Field)
	}
	write(c.Upsert)
	prospect["message"] = "Besichtigung am Samstag wäre mir am liebsten."
	write(c.Upsert)
	checkListed(t, c, "prospect", key)
}
