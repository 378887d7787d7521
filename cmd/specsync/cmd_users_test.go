package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors"
)

// usersCLI runs `specsync users args...` with stdin and returns exit
// code, stdout and stderr.
func usersCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetArgs(append([]string{"users"}, args...))
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	code := 0
	if err := root.Execute(); err != nil {
		code = 2
		errOut.WriteString(err.Error())
	}
	return code, out.String(), errOut.String()
}

const testUserToken = "ci-token-of-acme-0123456789abcdefghij"

func TestUsersHashMakesHashesTheFileAccepts(t *testing.T) {
	t.Parallel()
	_, tokHash, errOut := usersCLI(t, testUserToken+"\n", "hash", "--token")
	_, pwHash, errOut2 := usersCLI(t, "a long pass phrase\n", "hash")
	if !strings.HasPrefix(tokHash, "sha256:") || !strings.HasPrefix(pwHash, "$2a$") {
		t.Fatalf("hashes %q %q (%s %s)", tokHash, pwHash, errOut, errOut2)
	}
	path := writeFile(t, "users.yaml", "users:\n"+
		"  - {name: ci, role: viewer, organisation: acme, hash: \""+strings.TrimSpace(tokHash)+"\"}\n"+
		"  - {name: pat, role: admin, hash: \""+strings.TrimSpace(pwHash)+"\"}\n")
	a, err := readUsersFile(path, &connectors.Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := a.Token(testUserToken); !ok || p.Name != "ci" || p.Organisation != "acme" {
		t.Errorf("the token's hash does not match it: %+v %v", p, ok)
	}
	if p, ok := a.SignIn("pat", "a long pass phrase"); !ok || p.Organisation != "" {
		t.Errorf("the password's hash does not match it: %+v %v", p, ok)
	}
	if code, _, errOut := usersCLI(t, "", "hash"); code == 0 || !strings.Contains(errOut, "stdin") {
		t.Errorf("hash of nothing: exit %d %s", code, errOut)
	}
	if code, out, errOut := usersCLI(t, "short\n", "hash", "--token"); code == 0 || strings.Contains(out+errOut, "short") {
		t.Errorf("hash --token of a short secret: exit %d %s %s, want refused without repeating it", code, out, errOut)
	}
}

func TestUsersTokenPrintsATokenAndItsHash(t *testing.T) {
	t.Parallel()
	_, out, _ := usersCLI(t, "", "token")
	var tok, hash string
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "token: "); ok {
			tok = v
		}
		if v, ok := strings.CutPrefix(line, "hash:  "); ok {
			hash = v
		}
	}
	_, again, _ := usersCLI(t, tok+"\n", "hash", "--token")
	if tok == "" || strings.TrimSpace(again) != hash {
		t.Errorf("users token printed %q; its hash again is %q", out, again)
	}
}

func TestUsersFileRefusesSecrets(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ file, want string }{
		"plain text as hash":   {"users: [{name: a, role: admin, hash: hunter2-plain-password}]", "not a hash"},
		"plain text as token":  {"users: [{name: a, role: admin, token: hunter2-plain-password}]", "token"},
		"a password key":       {"users: [{name: a, role: admin, password: hunter2-plain-password}]", "password"},
		"unknown role":         {"users: [{name: a, role: root, hash: \"sha256:" + strings.Repeat("0", 64) + "\"}]", `role "root"`},
		"viewer of every org":  {"users: [{name: a, role: viewer, hash: \"sha256:" + strings.Repeat("0", 64) + "\"}]", "no organisation"},
		"hash and token":       {"users: [{name: a, role: admin, hash: \"sha256:" + strings.Repeat("0", 64) + "\", token: {env: T}}]", "not both"},
		"no users":             {"users: []", "no users"},
		"token short":          {"users: [{name: a, role: admin, token: {env: SHORT}}]", "at least 32"},
		"token reference gone": {"users: [{name: a, role: admin, token: {env: UNSET}}]", "env:UNSET"},
	} {
		creds := &connectors.Credentials{LookupEnv: func(n string) (string, bool) { return "short", n == "SHORT" }}
		_, err := readUsersFile(writeFile(t, "users.yaml", c.file), creds)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v, want an error saying %q without the secret", name, err, c.want)
		}
	}
}

func TestUsersFileResolvesTokenReferences(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "ops-token")
	if err := os.WriteFile(secretFile, []byte(testUserToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "users.json", `{"users": [{"name": "ops", "role": "operator", "organisation": "acme", "token": {"file": "`+secretFile+`"}}]}`)
	a, err := readUsersFile(path, &connectors.Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := a.Token(testUserToken); !ok || p.Name != "ops" {
		t.Errorf("the file's token is not accepted: %+v %v", p, ok)
	}
	code, out, errOut := usersCLI(t, "", "check", path)
	if code != 0 || out != "ops\toperator\tacme\n" {
		t.Errorf("users check: exit %d %q %s", code, out, errOut)
	}
}

func TestServeTakesTheUsersFile(t *testing.T) {
	t.Setenv("SPECSYNC_ADMIN_TOKEN", "")
	t.Setenv("SPECSYNC_ADMIN_TOKEN_FILE", "")
	_, hash, _ := usersCLI(t, testUserToken+"\n", "hash", "--token")
	path := writeFile(t, "users.yaml", "users:\n  - {name: ci, role: viewer, organisation: acme, hash: \""+strings.TrimSpace(hash)+"\"}\n")
	s := startServe(t, "--users", path)
	if code := s.get(t, "/api/instances", testUserToken); code != http.StatusOK {
		t.Errorf("GET /api/instances with the viewer's token: %d", code)
	}
	if code := s.get(t, "/api/instances", "wrong-token-0123456789abcdefghijklmn"); code != http.StatusUnauthorized {
		t.Errorf("GET /api/instances with a wrong token: %d", code)
	}
	req, _ := http.NewRequest("POST", s.base+"/api/instances/x/run", nil)
	req.Header.Set("Authorization", "Bearer "+testUserToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer's run: %d, want 403", resp.StatusCode)
	}
}

func TestServeReadsTheAdminTokenFromAFile(t *testing.T) {
	t.Setenv("SPECSYNC_ADMIN_TOKEN", "")
	t.Setenv("SPECSYNC_ADMIN_TOKEN_FILE", writeFile(t, "admin-token", "admin-token-from-a-file\n"))
	s := startServe(t)
	if code := s.get(t, "/api/instances", "admin-token-from-a-file"); code != http.StatusOK {
		t.Errorf("GET /api/instances with the file's token: %d", code)
	}
}
