package server

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Account is a user or a token of the users file (`serve --users`): who,
// with which role, in which organisation, and the hash of its secret.
type Account struct {
	// Name identifies the principal in the audit log and signs in to the
	// console. Required, unique.
	Name string
	// Role is what the account may do. Required.
	Role Role
	// Organisation scopes the account to one organisation's instances.
	// Empty means every organisation, which only an admin may have.
	Organisation string
	// Hash is the hash of the secret: "sha256:<hex>" of a token
	// (HashToken), usable as a bearer token and to sign in, or a bcrypt
	// hash of a password (HashPassword), usable to sign in only. Never the
	// secret itself: NewAccounts refuses anything that is not a hash.
	Hash string
}

// Accounts checks secrets against a fixed set of accounts. The zero value
// and nil hold none. It is safe for concurrent use.
type Accounts struct {
	byName map[string]account
	tokens []account
}

// account is an Account with the scheme of its hash.
type account struct {
	Account
	kind hashKind
}

// principal is who a request of a holds the secret of.
func (a account) principal() Principal {
	return Principal{Name: a.Name, Role: a.Role, Organisation: a.Organisation}
}

// NewAccounts checks list and returns its accounts; the error lists every
// account that is wrong, by position and name, never with its hash.
func NewAccounts(list []Account) (*Accounts, error) {
	a := &Accounts{byName: map[string]account{}}
	tokenHashes := map[string]string{}
	var errs []error
	for i, acc := range list {
		kind, err := checkAccount(acc)
		if err == nil && a.byName[acc.Name].Name != "" {
			err = errors.New("a second account of this name; names are unique")
		}
		if err == nil && kind == hashToken && tokenHashes[acc.Hash] != "" {
			err = fmt.Errorf("the same token as account %q; give each account a token of its own", tokenHashes[acc.Hash])
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("users[%d] (%s): %w", i, acc.Name, err))
			continue
		}
		a.byName[acc.Name] = account{Account: acc, kind: kind}
		if kind == hashToken {
			tokenHashes[acc.Hash] = acc.Name
			a.tokens = append(a.tokens, a.byName[acc.Name])
		}
	}
	return a, errors.Join(errs...)
}

// checkAccount returns the scheme of acc's hash, or what is wrong with acc.
func checkAccount(acc Account) (hashKind, error) {
	switch {
	case acc.Name == "":
		return 0, errors.New("no name")
	case acc.Role < RoleViewer || acc.Role > RoleAdmin:
		return 0, errors.New("no role: give viewer, operator or admin")
	case acc.Organisation == "" && acc.Role != RoleAdmin:
		return 0, fmt.Errorf("no organisation: a %s sees one organisation's instances; only an admin may see every organisation", acc.Role)
	}
	kind, err := checkHash(acc.Hash)
	if err != nil {
		return 0, fmt.Errorf("hash: %w", err)
	}
	return kind, nil
}

// ParseRole returns the role of a name as written in a users file.
func ParseRole(name string) (Role, error) {
	for r := RoleViewer; r <= RoleAdmin; r++ {
		if r.String() == name {
			return r, nil
		}
	}
	return 0, fmt.Errorf("role %q: want viewer, operator or admin", name)
}

// Len is how many accounts a holds.
func (a *Accounts) Len() int {
	if a == nil {
		return 0
	}
	return len(a.byName)
}

// List returns the principals of a's accounts, sorted by name; never a
// hash.
func (a *Accounts) List() []Principal {
	if a == nil {
		return nil
	}
	out := make([]Principal, 0, len(a.byName))
	for _, acc := range a.byName {
		out = append(out, acc.principal())
	}
	slices.SortFunc(out, func(x, y Principal) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// Token returns the principal of the account whose token hash matches
// token. Password accounts never match: a bearer token is checked on every
// request, and a password hash is too slow for that by design.
func (a *Accounts) Token(token string) (Principal, bool) {
	if a == nil || token == "" {
		return Principal{}, false
	}
	got := []byte(tokenHash(token))
	var found *account
	for i := range a.tokens { // every hash compared, in constant time
		if subtle.ConstantTimeCompare(got, []byte(a.tokens[i].Hash)) == 1 && found == nil {
			found = &a.tokens[i]
		}
	}
	if found == nil {
		return Principal{}, false
	}
	return found.principal(), true
}

// SignIn returns the principal of the account called name whose secret
// (token or password) is secret. An unknown name takes as long as a wrong
// password, so that the time of an answer does not tell which names exist.
func (a *Accounts) SignIn(name, secret string) (Principal, bool) {
	var acc account
	if a != nil {
		acc = a.byName[name]
	}
	if acc.Name == "" || secret == "" {
		_ = bcrypt.CompareHashAndPassword(decoyHash, []byte(secret)) // only spends the time a real check would
		return Principal{}, false
	}
	if !verifyHash(acc.kind, acc.Hash, secret) {
		return Principal{}, false
	}
	return acc.principal(), true
}

// decoyHash is a bcrypt hash of PasswordCost that no secret matches in
// practice: the hash of 32 random bytes, thrown away.
var decoyHash = []byte("$2a$12$PNQG8TraQsK1I5JTR7rDzeU8lY/RPQ4og/g2v6tijylcKRAnoSfOm")
