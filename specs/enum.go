package specs

import "slices"

// Enum is a string type with a closed set of values. Wherever such a type
// appears in a decoded document (a field, a map value, a list item), the
// strict decoder refuses any other value with an invalid-value finding
// that lists the allowed ones; code past decoding never sees one.
type Enum interface {
	// Values lists the allowed values.
	Values() []string
	// What names the kind of value in messages ("side").
	What() string
}

// Side is one of the two systems of an integration: the side that owns
// an entity's values (its source of truth).
type Side string

// Sides.
const (
	// SideHome is the system of record.
	SideHome Side = "home"
	// SidePartner is the third-party system.
	SidePartner Side = "partner"
)

var _ Enum = Side("")

// Values lists the sides.
func (Side) Values() []string { return []string{string(SideHome), string(SidePartner)} }

// What names a side in messages.
func (Side) What() string { return "side" }

// Valid reports whether s is a side.
func (s Side) Valid() bool { return slices.Contains(s.Values(), string(s)) }

// DeleteMode says what the partner does with a record a delete removes.
type DeleteMode string

// Delete modes.
const (
	// DeleteRemove erases the record.
	DeleteRemove DeleteMode = "remove"
	// DeleteDetach only ends the integration's ownership of the record.
	DeleteDetach DeleteMode = "detach"
)

var _ Enum = DeleteMode("")

// Values lists the delete modes.
func (DeleteMode) Values() []string { return []string{string(DeleteRemove), string(DeleteDetach)} }

// What names a delete mode in messages.
func (DeleteMode) What() string { return "delete mode" }

// Valid reports whether m is a delete mode.
func (m DeleteMode) Valid() bool { return slices.Contains(m.Values(), string(m)) }

// RateLimitScope says which callers share a rate limit.
type RateLimitScope string

// Rate limit scopes.
const (
	// ScopeAccount shares the limit between every instance that calls the
	// system with the same credentials at the same server: the partner
	// counts requests per account.
	ScopeAccount RateLimitScope = "account"
	// ScopeInstance gives each instance its own limit.
	ScopeInstance RateLimitScope = "instance"
)

var _ Enum = RateLimitScope("")

// Values lists the rate limit scopes.
func (RateLimitScope) Values() []string { return []string{string(ScopeAccount), string(ScopeInstance)} }

// What names a rate limit scope in messages.
func (RateLimitScope) What() string { return "rate limit scope" }

// Valid reports whether s is a rate limit scope.
func (s RateLimitScope) Valid() bool { return slices.Contains(s.Values(), string(s)) }

// ClearPolicy says what an update sends for a mapped field that was sent
// before and is now empty, so that the partner's value does not outlive
// the home's.
type ClearPolicy string

// Clear policies.
const (
	// ClearNull sends JSON null.
	ClearNull ClearPolicy = "null"
	// ClearEmpty sends the empty value of the field's schema type: "" for
	// a string, [] for an array, {} for an object. Numbers and booleans
	// have none.
	ClearEmpty ClearPolicy = "empty"
	// ClearOmit never clears: the partner keeps its value, and the record
	// is reported divergent.
	ClearOmit ClearPolicy = "omit"
)

var _ Enum = ClearPolicy("")

// Values lists the clear policies.
func (ClearPolicy) Values() []string {
	return []string{string(ClearNull), string(ClearEmpty), string(ClearOmit)}
}

// What names a clear policy in messages.
func (ClearPolicy) What() string { return "clear policy" }

// Valid reports whether p is a clear policy.
func (p ClearPolicy) Valid() bool { return slices.Contains(p.Values(), string(p)) }
