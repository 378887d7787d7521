package standins

import (
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
)

//go:embed everreal_schema.graphql
var everrealSchema string

// Paths the EverReal stand-in serves, as EverReal does.
const (
	EverRealGraphQLPath = "/api/reporting/graphql"
	EverRealTokenPath   = "/accounts/oauth/token"
)

// EverRealOptions tune the EverReal stand-in. The zero value behaves like
// EverReal: tokens for an hour, 300 requests a minute, the fake
// credentials of DemoCredentials.
type EverRealOptions struct {
	// ClientID, ClientSecret, Username and Password are the credentials
	// the token endpoint accepts. Empty means the value of
	// DemoCredentials.
	ClientID, ClientSecret, Username, Password string
	// TokenTTL is the lifetime of access tokens. Zero means one hour.
	// Refresh tokens do not expire.
	TokenTTL time.Duration
	// RateLimit is the number of GraphQL requests allowed per RateWindow;
	// beyond it the stand-in answers 429. Zero means 300; negative means
	// unlimited.
	RateLimit int
	// RateWindow is the length of a rate limit window. Zero means a
	// minute.
	RateWindow time.Duration
	// Seed seeds EverReal ids and tokens. Zero is a seed like any other.
	Seed uint64
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// EverReal is the stand-in of EverReal's GraphQL import API: the schema
// in everreal_schema.graphql, OAuth2 password grant with refresh tokens
// at EverRealTokenPath and a fixed-window rate limit with EverReal's
// X-RateLimit headers. Inspection methods (Owners, Tenants, ...) return
// copies of what it holds.
//
// An EverReal is an http.Handler and is safe for concurrent use.
type EverReal struct {
	opts   EverRealOptions
	schema *graphql.Schema
	tokens *tokenIssuer
	limit  *windowLimiter

	mu         sync.Mutex
	rng        *rand.Rand
	owners     *table[Owner]
	groups     *table[PropertyGroup]
	properties *table[Property]
	units      *table[Unit]
	tenants    *table[Tenant]
	candidates *table[Candidate]
	stats      EverRealStats
}

// EverRealStats counts what the EverReal stand-in did.
type EverRealStats struct {
	// Requests counts GraphQL requests, refused ones included.
	Requests int64
	// Creates and Updates count upserts by what they did; Detaches the
	// delete mutations that detached a record; Removes the tenants
	// removed.
	Creates, Updates, Detaches, Removes int64
	// ByMutation counts successful writes by mutation ("upsertTenant").
	ByMutation map[string]int64
	// RateLimited counts requests answered 429; Unauthorized those
	// answered 401.
	RateLimited, Unauthorized int64
	// Tokens counts access tokens issued, by password or refresh grant.
	Tokens int64
}

// Writes is the number of records written.
func (s EverRealStats) Writes() int64 { return s.Creates + s.Updates + s.Detaches + s.Removes }

// NewEverReal builds the stand-in. It fails only when the schema and its
// resolvers disagree.
func NewEverReal(opts EverRealOptions) (*EverReal, error) {
	opts = opts.withDefaults()
	e := &EverReal{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0xe7e8))}
	e.resetTables()
	e.stats.ByMutation = map[string]int64{}
	schema, err := graphql.ParseSchema(everrealSchema, &resolver{e: e}, graphql.UseFieldResolvers(), graphql.MaxDepth(8))
	if err != nil {
		return nil, fmt.Errorf("EverReal stand-in schema: %w", err)
	}
	e.schema = schema
	e.tokens = newTokenIssuer(opts, e.newID)
	e.limit = &windowLimiter{limit: opts.RateLimit, window: opts.RateWindow}
	return e, nil
}

func (o EverRealOptions) withDefaults() EverRealOptions {
	creds := DemoCredentials()
	o.ClientID = orString(o.ClientID, creds["EVERREAL_CLIENT_ID"])
	o.ClientSecret = orString(o.ClientSecret, creds["EVERREAL_CLIENT_SECRET"])
	o.Username = orString(o.Username, creds["EVERREAL_USERNAME"])
	o.Password = orString(o.Password, creds["EVERREAL_PASSWORD"])
	if o.TokenTTL <= 0 {
		o.TokenTTL = time.Hour
	}
	if o.RateLimit == 0 {
		o.RateLimit = 300
	}
	if o.RateWindow <= 0 {
		o.RateWindow = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func (e *EverReal) resetTables() {
	e.owners = newTable(func(o *Owner) string { return o.ExternalOwnerID })
	e.groups = newTable(func(g *PropertyGroup) string { return g.ExternalPropertyGroupID })
	e.properties = newTable(func(p *Property) string { return p.ExternalPropertyID })
	e.units = newTable(func(u *Unit) string { return u.ExternalUnitID })
	e.tenants = newTable(func(t *Tenant) string { return t.ExternalTenantID })
	e.candidates = newTable(func(c *Candidate) string { return c.ID })
}

// ServeHTTP answers the token endpoint and GraphQL requests.
func (e *EverReal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case EverRealTokenPath:
		e.serveToken(w, r)
	case EverRealGraphQLPath, "/graphql":
		e.serveGraphQL(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": fmt.Sprintf("%s %s: not found; GraphQL is at POST %s, tokens at POST %s", r.Method, r.URL.Path, EverRealGraphQLPath, EverRealTokenPath)})
	}
}

// graphQLRequest is the envelope of a GraphQL request.
type graphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// serveGraphQL checks the rate limit and the token, then runs the request.
func (e *EverReal) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	e.count(func(s *EverRealStats) { s.Requests++ })
	if !e.admit(w) {
		return
	}
	if err := e.tokens.check(r, e.opts.Now()); err != nil {
		e.count(func(s *EverRealStats) { s.Unauthorized++ })
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": err.Error()})
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "send GraphQL requests with POST"})
		return
	}
	var req graphQLRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 8<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{"message": "request body is not a GraphQL request {query, variables}: " + err.Error()}}})
		return
	}
	resp := e.schema.Exec(r.Context(), req.Query, req.OperationName, req.Variables)
	writeJSON(w, http.StatusOK, resp)
}

// admit applies the rate limit and sets EverReal's headers.
func (e *EverReal) admit(w http.ResponseWriter) bool {
	ok, remaining, reset := e.limit.take(e.opts.Now())
	if e.opts.RateLimit < 0 {
		return true
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", fmt.Sprint(e.opts.RateLimit))
	h.Set("X-RateLimit-Remaining", fmt.Sprint(remaining))
	h.Set("X-RateLimit-Reset", fmt.Sprint(reset))
	if ok {
		return true
	}
	e.count(func(s *EverRealStats) { s.RateLimited++ })
	h.Set("Retry-After", fmt.Sprint(reset))
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": fmt.Sprintf("more than %d requests in %s; retry after %d s", e.opts.RateLimit, e.opts.RateWindow, reset)})
	return false
}

// count changes the statistics under the lock.
func (e *EverReal) count(f func(*EverRealStats)) {
	e.mu.Lock()
	f(&e.stats)
	e.mu.Unlock()
}

// Stats returns a copy of the counters.
func (e *EverReal) Stats() EverRealStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	s.ByMutation = maps.Clone(e.stats.ByMutation)
	return s
}

// ResetStats sets the counters back to zero; records stay.
func (e *EverReal) ResetStats() {
	e.mu.Lock()
	e.stats = EverRealStats{ByMutation: map[string]int64{}}
	e.mu.Unlock()
}

// newID returns a random version 4 UUID from the seeded source. The
// caller holds no lock.
func (e *EverReal) newID() string {
	var b [16]byte
	e.mu.Lock()
	binary.LittleEndian.PutUint64(b[:8], e.rng.Uint64())
	binary.LittleEndian.PutUint64(b[8:], e.rng.Uint64())
	e.mu.Unlock()
	return formatUUID(b)
}

// formatUUID writes 16 random bytes as a version 4 UUID.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data) // the client went away; nothing to do
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
