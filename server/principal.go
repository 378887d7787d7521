package server

import (
	"context"
	"net/http"
)

// Role is what a principal may do. Roles are ordered: each one may do
// everything the ones before it may.
type Role int

const (
	// RoleViewer reads instances, runs, failures and the audit log.
	RoleViewer Role = iota + 1
	// RoleOperator also runs, plans, reconciles, retries, enables and
	// disables instances.
	RoleOperator
	// RoleAdmin also applies, deletes and erases, and sees every
	// organisation when its Organisation is empty.
	RoleAdmin
)

// String returns the role's name as written in token files.
func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleOperator:
		return "operator"
	case RoleAdmin:
		return "admin"
	}
	return "none"
}

// Principal is who sent a request: a user or a token, its role and the
// organisation it is scoped to.
type Principal struct {
	// Name identifies the principal in the audit log ("admin",
	// "alice@acme.example"); never a secret.
	Name string
	// Role is what the principal may do.
	Role Role
	// Organisation scopes the principal to one organisation's
	// instances. Empty means every organisation.
	Organisation string
}

// May reports whether p has at least role.
func (p Principal) May(role Role) bool { return p.Role >= role }

// Sees reports whether p may see an instance of organisation org.
func (p Principal) Sees(org string) bool {
	return p.Organisation == "" || p.Organisation == org
}

type principalKey struct{}

// withPrincipal returns r carrying p.
func withPrincipal(r *http.Request, p Principal) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
}

// principalOf returns the principal an authenticating handler put on r.
func principalOf(r *http.Request) (Principal, bool) {
	p, ok := r.Context().Value(principalKey{}).(Principal)
	return p, ok
}
