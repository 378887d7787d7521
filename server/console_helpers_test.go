package server

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// noRedirects is a client that returns redirects instead of following
// them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// browser is a client with a cookie jar that does not follow redirects,
// as a test drives the console.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

// newBrowser returns a browser on ts without cookies.
func newBrowser(t *testing.T, ts *testServer) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: ts.URL, c: &http.Client{Jar: jar, CheckRedirect: noRedirects.CheckRedirect}}
}

// get fetches path and returns the response and its body.
func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.do(mustRequest(b.t, "GET", b.base+path))
}

// post posts form to path, as a form of the console's own origin does.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.base)
	return b.do(req)
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf returns the form token of a page.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page has no form token:\n%s", page)
	}
	return m[1]
}

// signIn signs the browser in with secret and returns the sign-in's
// response.
func (b *browser) signIn(name, secret string) *http.Response {
	b.t.Helper()
	_, page := b.get("/signin")
	resp, _ := b.post("/signin", url.Values{"csrf": {csrfOf(b.t, page)}, "name": {name}, "secret": {secret}, "next": {"/"}})
	return resp
}

// sessionAs gives the browser a session of p, as a sign-in would.
func (b *browser) sessionAs(ts *testServer, p Principal) {
	b.t.Helper()
	sess, err := ts.api.sessions.create(context.Background(), p)
	if err != nil {
		b.t.Fatal(err)
	}
	u, _ := url.Parse(b.base)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sess.ID, Path: "/"}})
}

// cookieOf returns the cookie name resp sets, or nil.
func cookieOf(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
