package mock

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// postForm posts a form and decodes the JSON answer.
func postForm(t *testing.T, target string, form url.Values) reply {
	t.Helper()
	res, err := http.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := reply{status: res.StatusCode, header: res.Header, raw: raw}
	if out.body, err = decodeJSON(raw); err != nil {
		t.Fatalf("answer is not JSON: %s", raw)
	}
	return out
}

func TestTokenLoginIssuesExpiringTokens(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, hs := serve(t, "testdata/nextlink.json", Options{Now: clk.Now, TokenTTL: 10 * time.Minute})
	list := hs.URL + "/v2/contacts?type=TENANT"

	call(t, "GET", list, nil).want(t, 401)
	call(t, "GET", list, nil, "token: made-up").want(t, 401)

	r := call(t, "POST", hs.URL+"/v2/authenticate", map[string]any{"key": "k", "secret": "s"}).want(t, 200)
	token, _ := r.at("token").(string)
	if want := clk.Now().Add(10 * time.Minute).Format(time.RFC3339); r.at("expiresAt") != want {
		t.Errorf("expiresAt = %v, want %s", r.at("expiresAt"), want)
	}
	call(t, "GET", list, nil, "token: "+token).want(t, 200)

	clk.Add(10 * time.Minute)
	r = call(t, "GET", list, nil, "token: "+token).want(t, 401)
	if !strings.Contains(r.at("detail").(string), "expired") {
		t.Errorf("401 does not say the token expired: %s", r.raw)
	}
}

func TestTokenLoginWithRequireAuthChecksTheBody(t *testing.T) {
	t.Parallel()
	_, hs := serve(t, "testdata/nextlink.json", Options{RequireAuth: true})
	// The schema requires both fields; an empty secret passes it but not the login.
	r := call(t, "POST", hs.URL+"/authenticate", map[string]any{"key": "k", "secret": ""}).want(t, 401)
	if !strings.Contains(string(r.raw), `\"secret\"`) {
		t.Errorf("401 does not name the empty field: %s", r.raw)
	}
	if strings.Contains(string(r.raw), `"k"`) {
		t.Errorf("401 repeats a credential: %s", r.raw)
	}
}

func TestOAuth2ClientCredentialsWithRealClient(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv, hs := serve(t, "testdata/graphql.json", Options{Now: clk.Now, TokenTTL: time.Hour, RequireAuth: true})
	cfg := clientcredentials.Config{ClientID: "id", ClientSecret: "secret", TokenURL: hs.URL + "/accounts/oauth/token"}
	tok, err := cfg.Token(context.Background())
	if err != nil {
		t.Fatalf("client credentials grant: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("token = %+v", tok)
	}
	query := `mutation($t: TenantInput!){ upsertTenant(tenant: $t){ id } }`
	vars := map[string]any{"t": map[string]any{"externalTenantId": "T1", "lastName": "Meyer"}}
	gql(t, hs.URL, query, vars).want(t, 401)
	gql(t, hs.URL, query, vars, "Authorization: Bearer nonsense").want(t, 401)
	gql(t, hs.URL, query, vars, "Authorization: Bearer "+tok.AccessToken).want(t, 200)

	clk.Add(time.Hour)
	r := gql(t, hs.URL, query, vars, "Authorization: Bearer "+tok.AccessToken).want(t, 401)
	if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, "invalid_token") {
		t.Errorf("WWW-Authenticate = %q", got)
	}

	ts := (&oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: oauth2.Endpoint{TokenURL: cfg.TokenURL}}).
		TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: clk.Now().Add(-time.Second)})
	fresh, err := ts.Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	gql(t, hs.URL, query, vars, "Authorization: Bearer "+fresh.AccessToken).want(t, 200)
	if _, err := ts.Token(); err != nil {
		t.Fatalf("cached token: %v", err)
	}
	if got := srv.Stats().ByOperation["auth.token"]; got != 2 {
		t.Errorf("token requests = %d, want 2", got)
	}
}

func TestOAuth2RefusesBadGrants(t *testing.T) {
	t.Parallel()
	_, hs := serve(t, "testdata/graphql.json", Options{RequireAuth: true})
	token := hs.URL + "/accounts/oauth/token"
	tests := []struct {
		form   url.Values
		status int
		code   string
	}{
		{url.Values{"grant_type": {"client_credentials"}}, 401, "invalid_client"},
		{url.Values{"grant_type": {"refresh_token"}, "client_id": {"a"}, "refresh_token": {"unknown"}}, 400, "invalid_grant"},
		{url.Values{"grant_type": {"implicit"}, "client_id": {"a"}}, 400, "unsupported_grant_type"},
		{url.Values{"grant_type": {"password"}, "client_id": {"a"}}, 400, "invalid_request"},
	}
	for _, tc := range tests {
		r := postForm(t, token, tc.form).want(t, tc.status)
		if r.at("error") != tc.code {
			t.Errorf("%v: error = %v, want %s", tc.form, r.at("error"), tc.code)
		}
	}
}

func TestStaticCredentialsAreRequiredOnlyOnRequest(t *testing.T) {
	t.Parallel()
	_, open := serve(t, "testdata/rest.json", Options{})
	call(t, "GET", open.URL+"/units", nil).want(t, 200)

	_, strict := serve(t, "testdata/rest.json", Options{RequireAuth: true})
	r := call(t, "GET", strict.URL+"/units", nil).want(t, 401)
	if !strings.Contains(r.at("detail").(string), "X-API-Key") {
		t.Errorf("401 does not say where the key goes: %s", r.raw)
	}
	call(t, "GET", strict.URL+"/units", nil, "X-API-Key: anything").want(t, 200)
}

func TestServedTokenPath(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"https://{subdomain}.everreal.co/accounts/oauth/token": "/accounts/oauth/token",
		"http://localhost:9000/token":                          "/token",
		"http://127.0.0.1/oauth/token?x=1":                     "/oauth/token",
		"/oauth/token":                                         "/oauth/token",
		"https://login.example.com/oauth/token":                "",
		"https://login.example.com/{tenant}/token":             "",
	}
	for in, want := range tests {
		if got := servedTokenPath(in); got != want {
			t.Errorf("servedTokenPath(%q) = %q, want %q", in, got, want)
		}
	}
}
