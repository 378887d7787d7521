package engine

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// authRecords is how many buildings the auth tests push: enough that a
// failure per record would show.
const authRecords = 220

// authPartner is a partner whose spec uses auth, behind a gate that
// answers the auth requests as a test wants.
type authPartner struct {
	*harness
	// requests counts the requests that reached the partner, token
	// requests included.
	requests atomic.Int64
}

// newAuthPartner builds a harness whose partner spec has the auth section
// auth (and, for a token login, a login operation), the instance's
// credentials creds, and gate in front of the partner mock; gate returns
// false when it answered the request itself.
func newAuthPartner(t *testing.T, auth map[string]any, creds map[string]specs.Credential, gate func(w http.ResponseWriter, r *http.Request) bool) *authPartner {
	t.Helper()
	spec := editedSpec(t, "partner_upsert.json", func(doc map[string]any) {
		doc["x-sync"].(map[string]any)["auth"] = auth
		doc["paths"].(map[string]any)["/login"] = map[string]any{"post": map[string]any{
			"operationId": "login",
			"requestBody": map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}},
			"responses":   map[string]any{"200": map[string]any{"description": "a token"}},
		}}
	})
	p := &authPartner{harness: newHarnessSpec(t, redistest.New(t), spec)}
	next := p.writes.next
	p.writes.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if gate(w, r) {
			next.ServeHTTP(w, r)
		}
	})
	p.inst.Partner.Credentials = creds
	p.inst.Permissions = instance.Permissions{instance.Push: {"building": {instance.Create, instance.Update}}}
	p.reload()
	data := newHomeData(authRecords, 0)
	seed(t, p.home, "building", data.buildings)
	return p
}

// secretFile writes a secret to a file and returns its reference.
func secretFile(t *testing.T, secret string) specs.Credential {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	return specs.Credential{File: path}
}

// refuse answers with status and an OAuth2-style error body.
func refuse(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": code})
}

// issueTokens answers the token endpoint and the login operation with a
// new token each time and hands every other request to api.
func issueTokens(api func(w http.ResponseWriter, r *http.Request) bool) func(w http.ResponseWriter, r *http.Request) bool {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/oauth/token" || r.URL.Path == "/login" {
			w.Header().Set("Content-Type", "application/json")
			tok := "tok-" + string(rune('a'+n.Add(1)%26))
			json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer", "token": tok})
			return false
		}
		return api(w, r)
	}
}

// checkStopped checks that a run stopped with one error that names the
// partner and the credential, tells what to do and holds no secret, that
// the run failed, and that no record went to the failure ledger.
func (p *authPartner) checkStopped(t *testing.T, sum *Summary, err error, credential string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the run succeeded; want it stopped\n%s", summaryText(sum))
	}
	if connectors.Classify(err) != connectors.GiveUp {
		t.Errorf("Classify(run error) = %v, want give-up: %v", connectors.Classify(err), err)
	}
	for _, want := range []string{"partner", credential} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %q: %v", want, err)
		}
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) || (sum != nil && strings.Contains(summaryText(sum), s)) {
			t.Errorf("the error or summary shows the secret %q: %v", s, err)
		}
	}
	if sum != nil && sum.Status() != StatusFailed {
		t.Errorf("run status %s, want failed\n%s", sum.Status(), summaryText(sum))
	}
	n, lerr := p.eng.Ledger(p.inst).Count(context.Background(), store.LedgerFilter{})
	if lerr != nil {
		t.Fatal(lerr)
	}
	if n != 0 {
		fs, _ := p.eng.Ledger(p.inst).List(context.Background(), store.LedgerFilter{})
		t.Errorf("%d records in the failure ledger; want none, the run stopped once: %+v", n, fs)
	}
	if got := p.partner.Records("building"); len(got) != 0 {
		t.Errorf("the partner holds %d buildings; want none", len(got))
	}
}

// TestRunStopsOnCredentialUnfitForAHeader: a secret file of several lines
// used as a bearer token cannot be sent (net/http refuses the header
// value). The run stops before any request, with one error naming the
// credential, instead of failing every record.
func TestRunStopsOnCredentialUnfitForAHeader(t *testing.T) {
	t.Parallel()
	const secret = "first-line-7c1e9a\nsecond-line-4b2d8f\n"
	for _, c := range []struct {
		name string
		auth map[string]any
	}{
		{"bearer", map[string]any{"type": "bearer", "token": map[string]any{"credential": "partner_token"}}},
		{"apiKey header", map[string]any{"type": "apiKey", "in": "header", "name": "X-Api-Key", "key": map[string]any{"credential": "partner_token"}}},
		{"apiKey cookie", map[string]any{"type": "apiKey", "in": "cookie", "name": "session", "key": map[string]any{"credential": "partner_token"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := newAuthPartner(t, c.auth, map[string]specs.Credential{"partner_token": secretFile(t, secret)},
				func(http.ResponseWriter, *http.Request) bool { return true })
			sum, err := p.eng.Run(context.Background(), p.loaded, RunOptions{})
			p.checkStopped(t, sum, err, "partner_token", "first-line-7c1e9a", "second-line-4b2d8f")
			var ce *connectors.CredentialError
			if !errors.As(err, &ce) {
				t.Errorf("the error is not a *CredentialError: %v", err)
			}
			if !strings.Contains(err.Error(), "one line") {
				t.Errorf("the error does not say what to do: %v", err)
			}
			if n := p.requests.Load(); n != 0 {
				t.Errorf("the partner saw %d requests; want none", n)
			}
		})
	}
}

// TestRunStopsWhenCredentialsAreRefused: a system that refuses the
// credentials (a login or token endpoint that refuses them, a 401 or 403
// after the token was renewed) stops the run once, not once per record.
func TestRunStopsWhenCredentialsAreRefused(t *testing.T) {
	t.Parallel()
	oauth2 := map[string]any{"type": "oauth2", "grant": "client_credentials", "tokenUrl": "https://partner.example.com/oauth/token",
		"clientId": map[string]any{"credential": "client_id"}, "clientSecret": map[string]any{"credential": "client_secret"}}
	login := map[string]any{"type": "tokenLogin", "operation": "login", "token": "token", "header": "X-Token",
		"body": map[string]any{"key": map[string]any{"credential": "client_id"}, "secret": map[string]any{"credential": "client_secret"}}}
	bearer := map[string]any{"type": "bearer", "token": map[string]any{"credential": "client_secret"}}
	always := func(status int) func(w http.ResponseWriter, r *http.Request) bool {
		return func(w http.ResponseWriter, r *http.Request) bool { refuse(w, status, "unauthorized"); return false }
	}
	for _, c := range []struct {
		name string
		auth map[string]any
		gate func(w http.ResponseWriter, r *http.Request) bool
		// maxRequests bounds the requests the partner may see: the
		// writes in flight when the first refusal came, and their
		// renewals.
		maxRequests int64
		// says is what the error says of the refusal.
		says string
	}{
		{"static token refused with 401", bearer, always(http.StatusUnauthorized), 8, "auth bearer: the system refused the credentials (status 401)"},
		{"token endpoint refuses the client", oauth2, always(http.StatusUnauthorized), 8, "auth oauth2: the token endpoint refused the request (status 401)"},
		{"login refuses the credentials", login, always(http.StatusForbidden), 8, "auth tokenLogin: the login operation refused the credentials (status 403)"},
		{"401 after the token was renewed", oauth2, issueTokens(always(http.StatusUnauthorized)), 16, "the system refused the credentials, also with a token obtained anew (status 401)"},
		{"403 with a fresh token", login, issueTokens(always(http.StatusForbidden)), 16, "auth tokenLogin: the system refused the credentials (status 403)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			creds := map[string]specs.Credential{"client_id": {Env: "AUTH_TEST_ID"}, "client_secret": {Env: "AUTH_TEST_SECRET"}}
			env := map[string]string{"AUTH_TEST_ID": "id-3f9e2d", "AUTH_TEST_SECRET": "secret-8a7b6c"}
			p := newAuthPartner(t, c.auth, creds, c.gate)
			p.eng.cfg.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			sum, err := p.eng.Run(context.Background(), p.loaded, RunOptions{})
			p.checkStopped(t, sum, err, "client_", "id-3f9e2d", "secret-8a7b6c")
			if err != nil && !strings.Contains(err.Error(), c.says) {
				t.Errorf("the error does not say %q: %v", c.says, err)
			}
			if !errors.Is(err, ErrAborted) {
				t.Errorf("the error does not match ErrAborted: %v", err)
			}
			if n := p.requests.Load(); n > c.maxRequests {
				t.Errorf("the partner saw %d requests; want at most %d", n, c.maxRequests)
			}
		})
	}
}
