package server

import (
	"strings"
	"testing"
)

func TestNewAccountsRefusesPlainTextAndBadAccounts(t *testing.T) {
	t.Parallel()
	good := mustHashToken(t, viewerAcme)
	for name, c := range map[string]struct {
		acc  Account
		want string
	}{
		"plain-text secret":         {Account{Name: "p", Role: RoleAdmin, Hash: "hunter2-is-my-password"}, "not a hash"},
		"sha256 of the wrong size":  {Account{Name: "p", Role: RoleAdmin, Hash: "sha256:abcd"}, "64 hex digits"},
		"viewer of every org":       {Account{Name: "p", Role: RoleViewer, Hash: good}, "no organisation"},
		"operator of every org":     {Account{Name: "p", Role: RoleOperator, Hash: good}, "no organisation"},
		"no role":                   {Account{Name: "p", Organisation: "acme", Hash: good}, "no role"},
		"no name":                   {Account{Role: RoleAdmin, Hash: good}, "no name"},
		"empty hash":                {Account{Name: "p", Role: RoleAdmin}, "not a hash"},
		"bcrypt hash cut off":       {Account{Name: "p", Role: RoleAdmin, Hash: "$2a$10$abc"}, "not a hash"},
		"token hash missing prefix": {Account{Name: "p", Role: RoleAdmin, Hash: strings.TrimPrefix(good, "sha256:")}, "not a hash"},
	} {
		_, err := NewAccounts([]Account{c.acc})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "users[0]") {
			t.Errorf("%s: %v, want an error at users[0] saying %q", name, err, c.want)
		}
		if err != nil && c.acc.Hash != "" && strings.Contains(err.Error(), c.acc.Hash) {
			t.Errorf("%s: the error repeats the value: %v", name, err)
		}
	}
}

func TestNewAccountsRefusesDuplicates(t *testing.T) {
	t.Parallel()
	h := mustHashToken(t, viewerAcme)
	_, err := NewAccounts([]Account{{Name: "a", Role: RoleAdmin, Hash: h}, {Name: "a", Role: RoleAdmin, Hash: mustHashToken(t, adminAcme)}})
	if err == nil || !strings.Contains(err.Error(), "users[1] (a)") {
		t.Errorf("two accounts of one name: %v", err)
	}
	_, err = NewAccounts([]Account{{Name: "a", Role: RoleAdmin, Hash: h}, {Name: "b", Role: RoleAdmin, Hash: h}})
	if err == nil || !strings.Contains(err.Error(), `same token as account "a"`) {
		t.Errorf("two accounts of one token: %v", err)
	}
}

func TestHashTokenRefusesAShortSecret(t *testing.T) {
	t.Parallel()
	if _, err := HashToken("short"); err == nil || strings.Contains(err.Error(), "short") {
		t.Errorf("HashToken(short) = %v, want an error that does not repeat it", err)
	}
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	h, err := HashToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAccounts([]Account{{Name: "ci", Role: RoleViewer, Organisation: "acme", Hash: h}})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := a.Token(tok); !ok || p.Name != "ci" {
		t.Errorf("a new token does not match its hash: %+v %v", p, ok)
	}
}

func TestHashPasswordMakesASlowHashThatSignsIn(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("s3cret password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$2a$12$") {
		t.Errorf("HashPassword = %s, want bcrypt of cost 12", h)
	}
	a, err := NewAccounts([]Account{{Name: "eve", Role: RoleOperator, Organisation: "acme", Hash: h}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.SignIn("eve", "s3cret password"); !ok {
		t.Error("the password does not sign in")
	}
	if _, ok := a.Token("s3cret password"); ok {
		t.Error("a password is accepted as a bearer token")
	}
}
